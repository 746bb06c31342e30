/* POST /api/space/enter: the caller's code -> the caller's space, created on first entry.
 * Codes are per user: the caller's own spaces (owner, code), then the caller's own
 * mappings (user, code). Nobody else's codes are ever consulted. */
#include "space.h"
#include "../common/args.h"
#include "../common/log.h"
#include "../common/timeutil.h"

static int reply_entered(svc_call *c, json_t **out, int64_t space_id) {
    return rpc_ok(out, json_pack("{s:b,s:s,s:I,s:o,s:b,s:b}", "success", 1,
                                 "message", "进入空间成功", "space_id", (json_int_t)space_id,
                                 "theme_preference", space_theme_of(c->db, space_id, c->meta.uid),
                                 "admin_entry", 0, "requires_creation", 0));
}

/* Read-only path for the common case (space exists, caller already a member): no write
 * lock, so repeated entries do not queue behind each other. 1 = answered. */
static int enter_existing(svc_call *c, json_t **out, const char *code, int *st) {
    int64_t id = space_lookup_code(c->db, c->meta.uid, code);
    if (id <= 0) return 0;
    int role = space_role_of(c->db, id, c->meta.uid);
    int blocked = space_is_blocked(c->db, id, c->meta.uid);
    if (role < 0 || blocked < 0) return 0;   /* let the write path decide (and log) */
    if (blocked) { *st = rpc_fail(out, 403, "你已被房主移出该空间"); return 1; }
    if (role == SPACE_ROLE_NONE) return 0;   /* owner without member row: write path */
    *st = reply_entered(c, out, id);
    return 1;
}

static int create_space(db_conn *db, const char *uid, const char *code) {
    /* ON CONFLICT covers the partial unique index: a parallel first entry that won the
     * race makes this a no-op and the SELECT below finds its row. */
    sqlite3_stmt *s = db_stmt(db,
        "INSERT INTO spaces(code, owner_user_id, created_at) VALUES (?1, ?2, ?3)"
        " ON CONFLICT DO NOTHING");
    if (!s) return -1;
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, uid);
    db_bind_int(s, 3, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int space_enter(svc_call *c, json_t **out) {
    if (!c->meta.uid) return rpc_fail(out, 401, "缺少用户ID");
    const json_t *code_v = json_object_get(c->args, "space_code");
    if (!space_code_valid(code_v)) return rpc_fail(out, 400, "空间号必须是6位数字");
    const char *code = json_string_value(code_v);
    int create = 0;
    if (arg_bool(c->args, "create_if_missing", &create) < 0) create = 0;

    int st;
    if (enter_existing(c, out, code, &st)) return st;

    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "enter begin");
    int64_t id = space_lookup_code(c->db, c->meta.uid, code);
    if (id < 0) return space_db_fail(c, out, "enter lookup");
    if (id == 0) {
        if (!create) {
            db_rollback(c->db);
            return rpc_ok(out, json_pack("{s:b,s:s,s:n,s:n,s:b,s:b}", "success", 0,
                                         "message", "空间号未创建", "space_id",
                                         "theme_preference", "admin_entry", 0,
                                         "requires_creation", 1));
        }
        if (create_space(c->db, c->meta.uid, code)) return space_db_fail(c, out, "enter create");
        id = space_lookup_code(c->db, c->meta.uid, code);
        if (id <= 0) return space_db_fail(c, out, "enter reread");
        LOG_INFO(c->meta.rid, "space %lld created", (long long)id);
    }
    int blocked = space_is_blocked(c->db, id, c->meta.uid);
    if (blocked < 0) return space_db_fail(c, out, "enter block check");
    if (blocked) {
        db_rollback(c->db);
        return rpc_fail(out, 403, "你已被房主移出该空间");
    }
    if (space_ensure_member(c->db, id, c->meta.uid)) return space_db_fail(c, out, "enter member");
    if (db_commit(c->db) != SQLITE_OK) return space_db_fail(c, out, "enter commit");
    return reply_entered(c, out, id);
}
