/* Who may do what in a space: the role look-up used by every handler here and by the
 * other services (space.role, space.profiles). Missing, deleted and foreign spaces all
 * look the same: SPACE_ROLE_NONE -> 404 空间不存在. */
#include <string.h>
#include "space.h"
#include "../common/args.h"
#include "../common/log.h"

int space_db_fail(svc_call *c, json_t **out, const char *what) {
    LOG_ERROR(c->meta.rid, "svc-space %s: %s", what, sqlite3_errmsg(db_handle(c->db)));
    db_rollback(c->db);
    return rpc_fail(out, 503, "服务繁忙，请稍后重试");
}

int space_role_of(db_conn *db, int64_t space_id, const char *uid) {
    if (!uid || space_id <= 0) return SPACE_ROLE_NONE;
    sqlite3_stmt *s = db_stmt(db,
        "SELECT s.owner_user_id = ?2,"
        "       EXISTS(SELECT 1 FROM space_members m WHERE m.space_id = s.id AND m.user_id = ?2)"
        " FROM spaces s WHERE s.id = ?1 AND s.deleted_at IS NULL");
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, uid);
    int rc = sqlite3_step(s), role = -1;
    if (rc == SQLITE_ROW)
        role = sqlite3_column_int(s, 0) ? SPACE_ROLE_OWNER
             : sqlite3_column_int(s, 1) ? SPACE_ROLE_MEMBER : SPACE_ROLE_NONE;
    else if (rc == SQLITE_DONE)
        role = SPACE_ROLE_NONE;
    sqlite3_reset(s);
    return role;
}

int space_require_member(svc_call *c, json_t **out, int64_t *space_id, int *role) {
    if (!c->meta.uid) return rpc_fail(out, 401, "缺少用户身份");
    int r = arg_int(c->args, "space_id", space_id);
    if (r == 0) return rpc_fail(out, 400, "缺少空间ID");
    if (r < 0) return rpc_fail(out, 400, "空间ID无效");
    *role = space_role_of(c->db, *space_id, c->meta.uid);
    if (*role < 0) return space_db_fail(c, out, "role");
    if (*role == SPACE_ROLE_NONE) return rpc_fail(out, 404, "空间不存在");
    return 0;
}

int space_require_owner(svc_call *c, json_t **out, int64_t *space_id) {
    int role, st = space_require_member(c, out, space_id, &role);
    if (st) return st;
    if (role != SPACE_ROLE_OWNER) return rpc_fail(out, 403, "无权限");
    return 0;
}

json_t *space_theme_of(db_conn *db, int64_t space_id, const char *uid) {
    sqlite3_stmt *s = db_stmt(db,
        "SELECT theme_preference FROM user_aliases WHERE space_id = ?1 AND user_id = ?2");
    json_t *v = NULL;
    if (s) {
        db_bind_int(s, 1, space_id);
        db_bind_text(s, 2, uid);
        if (sqlite3_step(s) == SQLITE_ROW) v = db_col_json(s, 0);
        sqlite3_reset(s);
    }
    return v ? v : json_null();
}

/* internal: {space_id, user_id} -> {role} or 404 (one answer for every kind of "no") */
int space_role_rpc(svc_call *c, json_t **out) {
    int64_t space_id;
    const char *uid = NULL;
    if (arg_int(c->args, "space_id", &space_id) != 1 || arg_str(c->args, "user_id", &uid) != 1)
        return rpc_fail(out, 404, "空间不存在");
    int role = space_role_of(c->db, space_id, uid);
    if (role < 0) return space_db_fail(c, out, "space.role");
    if (role == SPACE_ROLE_NONE) return rpc_fail(out, 404, "空间不存在");
    return rpc_ok(out, json_pack("{s:s}", "role", role == SPACE_ROLE_OWNER ? "owner" : "member"));
}

/* internal: {space_id, user_ids:[...]} -> {profiles:{uid:{alias, avatar_url}}}; unknown
 * users get nulls (a removed author's messages still render). */
int space_profiles_rpc(svc_call *c, json_t **out) {
    int64_t space_id = 0;
    const json_t *uids = json_object_get(c->args, "user_ids");
    if (arg_int(c->args, "space_id", &space_id) != 1 || !json_is_array(uids))
        return rpc_fail(out, 400, "参数格式错误");
    json_t *profiles = json_object();
    size_t i;
    const json_t *u;
    json_array_foreach(uids, i, u) {
        const char *uid = json_str_or_null(u);
        if (!uid || json_object_get(profiles, uid)) continue;
        sqlite3_stmt *s = db_stmt(c->db,
            "SELECT alias, avatar_url FROM user_aliases WHERE space_id = ?1 AND user_id = ?2");
        if (!s) { json_decref(profiles); return space_db_fail(c, out, "profiles"); }
        db_bind_int(s, 1, space_id);
        db_bind_text(s, 2, uid);
        int rc = sqlite3_step(s);
        json_t *p;
        if (rc == SQLITE_ROW)
            p = json_pack("{s:o,s:o}", "alias", db_col_json(s, 0), "avatar_url", db_col_json(s, 1));
        else
            p = json_pack("{s:n,s:n}", "alias", "avatar_url");
        sqlite3_reset(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            json_decref(p);
            json_decref(profiles);
            return space_db_fail(c, out, "profiles");
        }
        json_object_set_new(profiles, uid, p);
    }
    return rpc_ok(out, json_pack("{s:o}", "profiles", profiles));
}
