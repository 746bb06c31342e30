/* Space views (info, members, blocks) and membership changes (remove, block, unblock,
 * leave). Every removal appends member.removed to the outbox in the same transaction. */
#include <string.h>
#include "space.h"
#include "../common/args.h"
#include "../common/log.h"
#include "../common/timeutil.h"

int space_info(svc_call *c, json_t **out) {
    int64_t space_id;
    int role, st = space_require_member(c, out, &space_id, &role);
    if (st) return st;
    /* the caller's own code: members never see the owner's code */
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT CASE WHEN s.owner_user_id = ?2 THEN s.code"
        "            ELSE (SELECT m.code FROM space_mappings m"
        "                  WHERE m.space_id = s.id AND m.user_id = ?2) END,"
        "       s.owner_user_id"
        " FROM spaces s WHERE s.id = ?1 AND s.deleted_at IS NULL");
    if (!s) return space_db_fail(c, out, "info");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, c->meta.uid);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return rpc_fail(out, 404, "空间不存在");
    }
    json_t *body = json_pack("{s:I,s:o,s:o}", "space_id", (json_int_t)space_id,
                             "code", db_col_json(s, 0), "owner_user_id", db_col_json(s, 1));
    sqlite3_reset(s);
    return rpc_ok(out, body);
}

/* users of table (members or blocks) with their alias/avatar, in insertion order */
static int list_people(svc_call *c, json_t **out, const char *sql, const char *key, int64_t space_id) {
    sqlite3_stmt *s = db_stmt(c->db, sql);
    if (!s) return space_db_fail(c, out, key);
    db_bind_int(s, 1, space_id);
    json_t *list = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(list, db_row_object(s));
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(list); return space_db_fail(c, out, key); }
    return rpc_ok(out, json_pack("{s:o}", key, list));
}

int space_members(svc_call *c, json_t **out) {
    int64_t space_id;
    int role, st = space_require_member(c, out, &space_id, &role);
    if (st) return st;
    return list_people(c, out,
        "SELECT m.user_id AS user_id, a.alias AS alias, a.avatar_url AS avatar_url"
        " FROM space_members m LEFT JOIN user_aliases a"
        "   ON a.space_id = m.space_id AND a.user_id = m.user_id"
        " WHERE m.space_id = ?1 ORDER BY m.id", "members", space_id);
}

int space_blocks(svc_call *c, json_t **out) {
    int64_t space_id;
    int st = space_require_owner(c, out, &space_id);
    if (st) return st;
    return list_people(c, out,
        "SELECT b.user_id AS user_id, a.alias AS alias, a.avatar_url AS avatar_url"
        " FROM space_blocks b LEFT JOIN user_aliases a"
        "   ON a.space_id = b.space_id AND a.user_id = b.user_id"
        " WHERE b.space_id = ?1 ORDER BY b.id", "blocks", space_id);
}

/* Owner acting on member_user_id (never himself). 0 = proceed. */
static int owner_on_target(svc_call *c, json_t **out, int64_t *space_id, const char **target) {
    int st = space_require_owner(c, out, space_id);
    if (st) return st;
    int r = arg_str(c->args, "member_user_id", target);
    if (r == 0 || (r == 1 && !**target)) return rpc_fail(out, 400, "缺少成员ID");
    if (r < 0) return rpc_fail(out, 400, "成员ID格式错误");
    if (!strcmp(*target, c->meta.uid)) return rpc_fail(out, 400, "房主不可移除自己");
    return 0;
}

static int add_block(db_conn *db, int64_t space_id, const char *uid) {
    return space_insert_pair(db, "INSERT INTO space_blocks(space_id, user_id, created_at)"
                                 " VALUES (?1, ?2, ?3) ON CONFLICT(space_id, user_id) DO NOTHING",
                             space_id, uid);
}

/* remove (block = 0) or block (block = 1) target, in one transaction with the event */
static int remove_target(svc_call *c, json_t **out, int block) {
    int64_t space_id;
    const char *target;
    int st = owner_on_target(c, out, &space_id, &target);
    if (st) return st;
    json_t *event = NULL;
    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "remove begin");
    if (space_drop_member(c->db, space_id, target, &event) || (block && add_block(c->db, space_id, target))) {
        json_decref(event);
        return space_db_fail(c, out, "remove");
    }
    if (db_commit(c->db) != SQLITE_OK) {
        json_decref(event);
        return space_db_fail(c, out, "remove commit");
    }
    space_outbox_publish(event);
    LOG_INFO(c->meta.rid, "space %lld: member %s", (long long)space_id, block ? "blocked" : "removed");
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}

int space_remove_member(svc_call *c, json_t **out) { return remove_target(c, out, 0); }
int space_block_member(svc_call *c, json_t **out) { return remove_target(c, out, 1); }

int space_unblock_member(svc_call *c, json_t **out) {
    int64_t space_id;
    const char *target;
    int st = owner_on_target(c, out, &space_id, &target);
    if (st) return st;
    /* membership is not restored: the user needs a new share code */
    sqlite3_stmt *s = db_stmt(c->db, "DELETE FROM space_blocks WHERE space_id = ?1 AND user_id = ?2");
    if (!s) return space_db_fail(c, out, "unblock");
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, target);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return space_db_fail(c, out, "unblock");
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}

int space_leave(svc_call *c, json_t **out) {
    int64_t space_id;
    int role, st = space_require_member(c, out, &space_id, &role);
    if (st) return st;
    if (role == SPACE_ROLE_OWNER) return rpc_fail(out, 400, "房主不能退出房间，请使用删除空间");
    json_t *event = NULL;
    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "leave begin");
    if (space_drop_member(c->db, space_id, c->meta.uid, &event)) return space_db_fail(c, out, "leave");
    if (db_commit(c->db) != SQLITE_OK) {
        json_decref(event);
        return space_db_fail(c, out, "leave commit");
    }
    space_outbox_publish(event);
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}
