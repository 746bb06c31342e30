/* chat.history (newest page, or older than before_id; ascending in the reply) and the
 * internal chat.since (the newest messages after an id, for a resuming websocket). */
#include <stdint.h>
#include "chat.h"
#include "../common/args.h"

/* Runs a bound (space, id, limit+1) query; fills *msgs in row order. Rows > limit -> 1. */
static int query(svc_call *c, const char *sql, int64_t sid, int64_t id, int64_t limit,
                 json_t *msgs, int *more) {
    sqlite3_stmt *s = db_stmt(c->db, sql);
    if (!s) return -1;
    db_bind_int(s, 1, sid);
    db_bind_int(s, 2, id);
    db_bind_int(s, 3, limit + 1);
    int rc, n = 0;
    *more = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n++ == limit) { *more = 1; break; }
        json_t *m = chat_msg_from_row(s);
        if (!m || json_array_append_new(msgs, m)) { sqlite3_reset(s); return -1; }
    }
    sqlite3_reset(s);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : -1;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static json_t *reversed(json_t *a) {
    json_t *r = json_array();
    for (size_t i = json_array_size(a); r && i > 0; i--) json_array_append(r, json_array_get(a, i - 1));
    json_decref(a);
    return r;
}

/* A newest-first page (query above), returned oldest-first with aliases filled; NULL on
 * failure. Both history and since read their pages this way. */
static json_t *page(svc_call *c, const char *sql, int64_t sid, int64_t bound, int64_t limit, int *more) {
    json_t *desc = json_array();
    if (!desc || query(c, sql, sid, bound, limit, desc, more)) {
        json_decref(desc);
        return NULL;
    }
    json_t *msgs = reversed(desc);
    if (msgs) chat_msgs_profile(c, sid, msgs);
    return msgs;
}

int chat_history(svc_call *c, json_t **out) {
    int64_t sid, limit = 50, before = 0;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    if (arg_int(c->args, "limit", &limit) < 0) return rpc_fail(out, 400, "limit参数无效");
    if (arg_int(c->args, "before_id", &before) < 0) return rpc_fail(out, 400, "before_id参数无效");
    limit = clamp(limit, 1, 100);
    if (before <= 0) before = INT64_MAX;          /* 0 / absent: latest page */
    int more = 0;
    json_t *msgs = page(c, "SELECT " CHAT_MSG_COLUMNS " FROM messages WHERE space_id = ?1 "
                           "AND deleted_at IS NULL AND id < ?2 ORDER BY id DESC LIMIT ?3",
                        sid, before, limit, &more);
    if (!msgs) return rpc_fail(out, 500, "读取消息失败");
    size_t n = json_array_size(msgs);
    json_t *first = n ? json_object_get(json_array_get(msgs, 0), "id") : NULL;
    json_t *last = n ? json_object_get(json_array_get(msgs, n - 1), "id") : NULL;
    return rpc_ok(out, json_pack("{s:o,s:O,s:b,s:O}", "messages", msgs,
                                 "last_message_id", last ? last : json_null(),
                                 "has_more", more,
                                 "next_before_id", more && first ? first : json_null()));
}

int chat_since(svc_call *c, json_t **out) {
    int64_t sid, after = 0, limit = 100;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    if (arg_int(c->args, "after_id", &after) < 0 || after < 0)
        return rpc_fail(out, 400, "after_id参数无效");
    if (arg_int(c->args, "limit", &limit) < 0) return rpc_fail(out, 400, "limit参数无效");
    limit = clamp(limit, 1, CHAT_SINCE_MAX);
    /* The newest `limit` after the id (older ones stay reachable through history paging
     * with before_id = the first one returned; has_more says there are such). */
    int more = 0;
    json_t *msgs = page(c, "SELECT " CHAT_MSG_COLUMNS " FROM messages WHERE space_id = ?1 "
                           "AND deleted_at IS NULL AND id > ?2 ORDER BY id DESC LIMIT ?3",
                        sid, after, limit, &more);
    if (!msgs) return rpc_fail(out, 500, "读取消息失败");
    return rpc_ok(out, json_pack("{s:o,s:b}", "messages", msgs, "has_more", more));
}
