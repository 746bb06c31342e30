/* POST /api/space/delete (owner only): one transaction marks the space deleted (the row
 * stays as a tombstone so its id is never handed out again), removes everything svc-space
 * keeps about it, and appends space.deleted to the outbox; then the event is published so
 * chat, notes, wallet and storage purge their part. */
#include "space.h"
#include "../common/log.h"
#include "../common/timeutil.h"

static const char *const purge_sql[] = {
    "DELETE FROM space_members WHERE space_id = ?1",
    "DELETE FROM space_mappings WHERE space_id = ?1",
    "DELETE FROM share_codes WHERE space_id = ?1",
    "DELETE FROM space_blocks WHERE space_id = ?1",
    "DELETE FROM user_aliases WHERE space_id = ?1",
};

static int mark_deleted(db_conn *db, int64_t space_id) {
    sqlite3_stmt *s = db_stmt(db,
        "UPDATE spaces SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL");
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    db_bind_int(s, 2, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? db_changes(db) : -1;
}

int space_delete(svc_call *c, json_t **out) {
    int64_t space_id;
    int st = space_require_owner(c, out, &space_id);
    if (st) return st;
    if (db_begin(c->db) != SQLITE_OK) return space_db_fail(c, out, "delete begin");
    int marked = mark_deleted(c->db, space_id);
    if (marked < 0) return space_db_fail(c, out, "delete mark");
    if (marked == 0) {                      /* a parallel delete won */
        db_rollback(c->db);
        return rpc_fail(out, 404, "空间不存在");
    }
    for (size_t i = 0; i < sizeof purge_sql / sizeof *purge_sql; i++) {
        sqlite3_stmt *s = db_stmt(c->db, purge_sql[i]);
        if (!s) return space_db_fail(c, out, "delete purge");
        db_bind_int(s, 1, space_id);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return space_db_fail(c, out, "delete purge");
    }
    json_t *event = NULL;
    if (space_outbox_append(c->db, "space.deleted", space_id, NULL, &event))
        return space_db_fail(c, out, "delete outbox");
    if (db_commit(c->db) != SQLITE_OK) {
        json_decref(event);
        return space_db_fail(c, out, "delete commit");
    }
    space_outbox_publish(event);
    LOG_INFO(c->meta.rid, "space %lld deleted", (long long)space_id);
    return rpc_ok(out, json_pack("{s:b,s:s}", "success", 1, "message", "空间删除成功"));
}
