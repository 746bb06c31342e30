/* POST /api/space/modify-code ("change my code"): the owner changes spaces.code, a member
 * changes their own mapping. Only the caller's own namespace is checked for collisions:
 * codes are per user, so nothing about other users' codes can be learnt here. */
#include "space.h"
#include "../common/timeutil.h"

int space_modify_code(svc_call *c, json_t **out) {
    const json_t *code_v = json_object_get(c->args, "new_code");
    if (!space_code_valid(code_v)) return rpc_fail(out, 400, "空间号必须是6位数字");
    const char *code = json_string_value(code_v);
    int64_t space_id;
    int role, st = space_require_member(c, out, &space_id, &role);
    if (st) return st;

    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "modify begin");
    int taken = space_code_taken(c->db, c->meta.uid, code, space_id);
    if (taken < 0) return space_db_fail(c, out, "modify check");
    if (taken) {
        db_rollback(c->db);
        return rpc_fail(out, 400, "该空间号已被使用");
    }
    sqlite3_stmt *s = role == SPACE_ROLE_OWNER
        ? db_stmt(c->db, "UPDATE spaces SET code = ?3 WHERE id = ?1 AND owner_user_id = ?2"
                         " AND deleted_at IS NULL")
        : db_stmt(c->db, "INSERT INTO space_mappings(user_id, space_id, code, created_at)"
                         " VALUES (?2, ?1, ?3, ?4)"
                         " ON CONFLICT(user_id, space_id) DO UPDATE SET code = excluded.code");
    if (!s) return space_db_fail(c, out, "modify");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, c->meta.uid);
    db_bind_text(s, 3, code);
    if (role != SPACE_ROLE_OWNER) db_bind_int(s, 4, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_CONSTRAINT) {     /* unique indexes agree with the check above */
        db_rollback(c->db);
        return rpc_fail(out, 400, "该空间号已被使用");
    }
    if (rc != SQLITE_DONE) return space_db_fail(c, out, "modify");
    if (db_commit(c->db) != SQLITE_OK) return space_db_fail(c, out, "modify commit");
    return rpc_ok(out, json_pack("{s:b,s:s}", "success", 1, "message", "空间号修改成功"));
}
