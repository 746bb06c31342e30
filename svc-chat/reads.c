/* Read marks (svc-chat's own table): chat.read (monotonic, clamped to an existing id of
 * the space, broadcast read_update), chat.readers, chat.unread_count. */
#include "chat.h"
#include "../common/args.h"
#include "../common/service.h"
#include "../common/spaceclient.h"
#include "../common/timeutil.h"

/* Largest message id of the space that is <= want (soft-deleted rows count: they exist).
 * 0 when there is none, -1 on error. */
static int64_t clamp_to_space(svc_call *c, int64_t sid, int64_t want) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT MAX(id) FROM messages WHERE space_id = ?1 AND id <= ?2");
    if (!s) return -1;
    db_bind_int(s, 1, sid);
    db_bind_int(s, 2, want);
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return id;
}

/* Stored mark of (space, uid): 0 none, -1 error. */
static int64_t stored_mark(svc_call *c, int64_t sid, const char *uid) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT last_read_message_id FROM read_marks "
                                     "WHERE space_id = ?1 AND user_id = ?2");
    if (!s) return -1;
    db_bind_int(s, 1, sid);
    db_bind_text(s, 2, uid);
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(s);
    return id;
}

static int upsert_mark(svc_call *c, int64_t sid, int64_t id) {
    sqlite3_stmt *s = db_stmt(c->db,
        "INSERT INTO read_marks(space_id, user_id, last_read_message_id, last_read_at) "
        "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(space_id, user_id) DO UPDATE SET "
        "last_read_message_id = MAX(last_read_message_id, excluded.last_read_message_id), "
        "last_read_at = excluded.last_read_at");
    if (!s) return -1;
    db_bind_int(s, 1, sid);
    db_bind_text(s, 2, c->meta.uid);
    db_bind_int(s, 3, id);
    db_bind_int(s, 4, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int chat_read(svc_call *c, json_t **out) {
    int64_t sid, want;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    int r = arg_int(c->args, "last_read_message_id", &want);
    if (r < 0) return rpc_fail(out, 400, "last_read_message_id参数无效");
    if (r == 0) return rpc_fail(out, 400, "缺少last_read_message_id");
    if (want <= 0) return rpc_ok(out, json_pack("{s:b}", "success", 1));
    if (db_begin(c->db) != SQLITE_OK) return rpc_fail(out, 500, "保存已读失败");
    int64_t id = clamp_to_space(c, sid, want), stored = 0;
    if (id < 0 || (id > 0 && (upsert_mark(c, sid, id) || (stored = stored_mark(c, sid, c->meta.uid)) < 0)) ||
        db_commit(c->db) != SQLITE_OK) {
        db_rollback(c->db);
        return rpc_fail(out, 500, "保存已读失败");
    }
    if (stored > 0) {
        json_t *f = json_pack("{s:s,s:s,s:I}", "event", "read_update", "user_id", c->meta.uid,
                              "last_read_message_id", (json_int_t)stored);
        chat_events_frame(sid, f, 0);
        json_decref(f);
    }
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}

/* {uid: {last_read_message_id, last_read_at}} of the space. NULL on error. */
static json_t *marks_of_space(svc_call *c, int64_t sid) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT user_id, last_read_message_id, last_read_at "
                                     "FROM read_marks WHERE space_id = ?1");
    json_t *marks = json_object();
    if (!s || !marks) { json_decref(marks); return NULL; }
    db_bind_int(s, 1, sid);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        char iso[40];
        iso_utc_micro(sqlite3_column_int64(s, 2), iso, sizeof iso);
        json_object_set_new(marks, db_col_text(s, 0),
                            json_pack("{s:I,s:s}", "last_read_message_id",
                                      (json_int_t)sqlite3_column_int64(s, 1), "last_read_at", iso));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(marks); return NULL; }
    return marks;
}

/* Members in svc-space's order (alias, avatar), else the users that have marks. */
static json_t *reader_list(svc_call *c, int64_t sid, json_t *marks) {
    json_t *args = json_pack("{s:I}", "space_id", (json_int_t)sid), *reply = NULL;
    int st = rpc_call(service_space_client(), 0, "space.members", &c->meta, args, 3000, &reply);
    json_decref(args);
    json_t *members = json_object_get(reply, "members");
    json_t *list = json_array();
    if (st == 200 && json_is_array(members)) {
        size_t i;
        json_t *m;
        json_array_foreach(members, i, m) {
            const char *uid = json_str_or_null(json_object_get(m, "user_id"));
            if (!uid) continue;
            json_t *o = json_pack("{s:s,s:O,s:O}", "user_id", uid,
                "alias", json_object_get(m, "alias") ? json_object_get(m, "alias") : json_null(),
                "avatar_url", json_object_get(m, "avatar_url") ? json_object_get(m, "avatar_url") : json_null());
            json_array_append_new(list, o);
        }
    } else {
        json_t *uids = json_array();
        const char *uid;
        json_t *v;
        json_object_foreach(marks, uid, v) {
            json_array_append_new(uids, json_string(uid));
            json_array_append_new(list, json_pack("{s:s,s:n,s:n}", "user_id", uid, "alias",
                                                  "avatar_url"));
        }
        json_t *profiles = space_profiles(c, sid, uids);
        size_t i;
        json_array_foreach(list, i, v) profile_apply(v, profiles, "user_id", "");
        json_decref(profiles);
        json_decref(uids);
    }
    json_decref(reply);
    return list;
}

int chat_readers(svc_call *c, json_t **out) {
    int64_t sid;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    json_t *marks = marks_of_space(c, sid);
    if (!marks) return rpc_fail(out, 500, "读取已读状态失败");
    json_t *list = reader_list(c, sid, marks);
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) {
        json_t *mk = json_object_get(marks, json_string_value(json_object_get(r, "user_id")));
        json_object_set(r, "last_read_message_id",
                        mk ? json_object_get(mk, "last_read_message_id") : json_null());
        json_object_set(r, "last_read_at", mk ? json_object_get(mk, "last_read_at") : json_null());
    }
    json_decref(marks);
    return rpc_ok(out, json_pack("{s:o}", "readers", list));
}

int chat_unread_count(svc_call *c, json_t **out) {
    int64_t sid;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    int64_t last = stored_mark(c, sid, c->meta.uid);
    sqlite3_stmt *s = last < 0 ? NULL : db_stmt(c->db,
        "SELECT COUNT(*) FROM messages WHERE space_id = ?1 AND deleted_at IS NULL "
        "AND id > ?2 AND user_id != ?3");
    if (!s) return rpc_fail(out, 500, "读取未读数失败");
    db_bind_int(s, 1, sid);
    db_bind_int(s, 2, last);
    db_bind_text(s, 3, c->meta.uid);
    int rc = sqlite3_step(s);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    if (n < 0) return rpc_fail(out, 500, "读取未读数失败");
    return rpc_ok(out, json_pack("{s:I,s:I}", "count", (json_int_t)n, "last_read_id", (json_int_t)last));
}
