/* "Activity" (others' comments and likes on posts I wrote or commented on) and the unread
 * count since a time. */
#include <string.h>
#include "notes.h"
#include "../common/args.h"
#include "../common/timeutil.h"

/* Millisecond timestamps; values below 1e12 are seconds (as the client may send). */
static int64_t as_ms(int64_t t) { return t < 1000000000000LL ? t * 1000 : t; }

int notes_feed_activity(svc_call *c, json_t **out) {
    int64_t space_id, before = INT64_MAX, limit = 20;
    arg_int(c->args, "space_id", &space_id);
    if (arg_int(c->args, "before_ts", &before) < 0 || arg_int(c->args, "limit", &limit) < 0)
        return rpc_fail(out, 400, "分页参数无效");
    if (before != INT64_MAX) before = as_ms(before);
    if (limit < 1) limit = 1;
    if (limit > 50) limit = 50;
    sqlite3_stmt *s = db_stmt(c->db,
        "WITH related AS (SELECT id FROM posts WHERE space_id = ?1 AND user_id = ?2"
        "                 UNION SELECT post_id FROM comments WHERE space_id = ?1 AND user_id = ?2)"
        " SELECT 'comment', cm.id, cm.post_id, cm.content, cm.user_id, cm.created_at,"
        "        p.content, p.media_type, p.media_urls"
        "   FROM comments cm JOIN posts p ON p.id = cm.post_id"
        "  WHERE cm.space_id = ?1 AND cm.post_id IN related AND cm.user_id <> ?2 AND cm.created_at < ?3"
        " UNION ALL"
        " SELECT 'like', l.id, l.post_id, NULL, l.user_id, l.created_at,"
        "        p.content, p.media_type, p.media_urls"
        "   FROM likes l JOIN posts p ON p.id = l.post_id"
        "  WHERE l.space_id = ?1 AND l.post_id IN related AND l.user_id <> ?2 AND l.created_at < ?3"
        " ORDER BY 6 DESC, 2 DESC LIMIT ?4");
    if (!s) return notes_db_fail(c, out, "activity");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, c->meta.uid);
    db_bind_int(s, 3, before);
    db_bind_int(s, 4, limit);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *type = db_col_text(s, 0);
        int is_comment = !strcmp(type, "comment");
        char id[48];
        snprintf(id, sizeof id, "%s_%lld", type, (long long)sqlite3_column_int64(s, 1));
        json_t *it = json_pack("{s:s,s:s,s:I,s:s,s:s,s:o}", "id", id, "type", type,
                               "post_id", (json_int_t)sqlite3_column_int64(s, 2),
                               "post_content", db_col_text(s, 6), "post_media_type", db_col_text(s, 7),
                               "post_media_urls", notes_media_array(db_col_text(s, 8)));
        json_object_set_new(it, "comment_id", is_comment ? json_integer(sqlite3_column_int64(s, 1)) : json_null());
        json_object_set_new(it, "comment_content", is_comment ? db_col_json(s, 3) : json_null());
        json_object_set_new(it, "user_id", db_col_json(s, 4));
        json_object_set_new(it, "alias", json_null());
        json_object_set_new(it, "avatar_url", json_null());
        notes_set_time(it, "created_at", sqlite3_column_int64(s, 5), 1);
        json_array_append_new(items, it);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(items); return notes_db_fail(c, out, "activity step"); }
    notes_apply_profiles(c, space_id, items);
    return rpc_ok(out, json_pack("{s:o}", "items", items));
}

int notes_feed_unread_count(svc_call *c, json_t **out) {
    int64_t space_id, since;
    arg_int(c->args, "space_id", &space_id);
    if (arg_int(c->args, "since_ts", &since) != 1 || since <= 0)
        return rpc_ok(out, json_pack("{s:i}", "count", 0));
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT (SELECT COUNT(*) FROM posts WHERE space_id = ?1 AND user_id <> ?2 AND created_at > ?3)"
        "     + (SELECT COUNT(*) FROM comments WHERE space_id = ?1 AND user_id <> ?2 AND created_at > ?3)"
        "     + (SELECT COUNT(*) FROM likes WHERE space_id = ?1 AND user_id <> ?2 AND created_at > ?3)");
    if (!s) return notes_db_fail(c, out, "unread");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, c->meta.uid);
    db_bind_int(s, 3, as_ms(since));
    int rc = sqlite3_step(s);
    json_int_t n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) return notes_db_fail(c, out, "unread step");
    return rpc_ok(out, json_pack("{s:I}", "count", n));
}
