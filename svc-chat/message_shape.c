/* Stored message row -> the JSON the client reads (history, WebSocket frame): same keys
 * on every path, times as iso + ms, live media split, aliases resolved at read time. */
#include <string.h>
#include "chat.h"
#include "../common/args.h"
#include "../common/db.h"
#include "../common/spaceclient.h"
#include "../common/timeutil.h"

enum { C_ID, C_SPACE, C_USER, C_CONTENT, C_TYPE, C_MEDIA, C_DURATION, C_CLIENT, C_RID,
       C_RUSER, C_RCONTENT, C_RTYPE, C_CREATED };

json_t *chat_msg_from_row(sqlite3_stmt *s) {
    int64_t created = sqlite3_column_int64(s, C_CREATED);
    char iso[32];
    iso_utc(created, iso, sizeof iso);
    json_t *m = json_object();
    if (!m) return NULL;
    json_object_set_new(m, "content", db_col_json(s, C_CONTENT));
    json_object_set_new(m, "id", json_integer(sqlite3_column_int64(s, C_ID)));
    json_object_set_new(m, "user_id", db_col_json(s, C_USER));
    json_object_set_new(m, "alias", json_null());
    json_object_set_new(m, "message_type", db_col_json(s, C_TYPE));
    json_object_set_new(m, "media_url", db_col_json(s, C_MEDIA));
    json_object_set_new(m, "live_cover_url", json_null());
    json_object_set_new(m, "live_video_url", json_null());
    json_object_set_new(m, "media_duration", db_col_json(s, C_DURATION));
    json_object_set_new(m, "avatar_url", json_null());
    json_object_set_new(m, "created_at_ts", json_integer(created));
    json_object_set_new(m, "client_id", db_col_json(s, C_CLIENT));
    json_object_set_new(m, "reply_to_id", db_col_json(s, C_RID));
    json_object_set_new(m, "reply_to_user_id", db_col_json(s, C_RUSER));
    json_object_set_new(m, "reply_to_content", db_col_json(s, C_RCONTENT));
    json_object_set_new(m, "reply_to_type", db_col_json(s, C_RTYPE));
    json_object_set_new(m, "reply_to_alias", json_null());
    json_object_set_new(m, "reply_to_avatar_url", json_null());
    json_object_set_new(m, "created_at", json_string(iso));
    chat_msg_split_live(m);
    return m;
}

void chat_msg_split_live(json_t *msg) {
    const char *type = json_str_or_null(json_object_get(msg, "message_type"));
    const char *media = json_str_or_null(json_object_get(msg, "media_url"));
    if (!type || strcmp(type, "live") || !media) return;
    json_t *o = json_loads(media, 0, NULL);
    const char *cover = json_str_or_null(json_object_get(o, "cover_url"));
    const char *video = json_str_or_null(json_object_get(o, "video_url"));
    if (cover && video) {
        json_object_set_new(msg, "live_cover_url", json_string(cover));
        json_object_set_new(msg, "live_video_url", json_string(video));
        json_object_set_new(msg, "media_url", json_string(cover));
    }
    json_decref(o);
}

void chat_msgs_profile(const svc_call *c, int64_t space_id, json_t *msgs) {
    json_t *list = json_is_array(msgs) ? json_incref(msgs) : json_pack("[O]", msgs);
    static const char *const keys[] = {"user_id", "reply_to_user_id"};
    json_t *profiles = space_profiles_of(c, space_id, list, keys, 2);
    size_t i;
    json_t *m;
    if (profiles) {
        json_array_foreach(list, i, m) {
            profile_apply(m, profiles, "user_id", "");
            if (json_is_string(json_object_get(m, "reply_to_user_id")))
                profile_apply(m, profiles, "reply_to_user_id", "reply_to_");
        }
    }
    json_decref(profiles);
    json_decref(list);
}

json_t *chat_msg_load(db_conn *db, int64_t id, int include_deleted) {
    sqlite3_stmt *s = db_stmt(db, include_deleted
        ? "SELECT " CHAT_MSG_COLUMNS " FROM messages WHERE id = ?1"
        : "SELECT " CHAT_MSG_COLUMNS " FROM messages WHERE id = ?1 AND deleted_at IS NULL");
    if (!s) return NULL;
    db_bind_int(s, 1, id);
    json_t *m = sqlite3_step(s) == SQLITE_ROW ? chat_msg_from_row(s) : NULL;
    if (m) json_object_set_new(m, "space_id", json_integer(sqlite3_column_int64(s, C_SPACE)));
    sqlite3_reset(s);
    return m;
}
