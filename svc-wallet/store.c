/* The wallet row: created on first touch by any call, so a fresh space never sees 404. */
#include "wallet.h"
#include "../common/log.h"
#include "../common/timeutil.h"

int wallet_db_fail(svc_call *c, json_t **out, const char *what) {
    LOG_ERROR(c->meta.rid, "%s: %s", what, sqlite3_errmsg(db_handle(c->db)));
    db_rollback(c->db);
    return rpc_fail(out, 500, "服务器内部错误");
}

int wallet_ensure(db_conn *db, int64_t space_id) {
    sqlite3_stmt *s = db_stmt(db, "INSERT INTO wallets(space_id, balance, created_at, updated_at)"
                                  " VALUES (?1, 0, ?2, ?2) ON CONFLICT(space_id) DO NOTHING");
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    db_bind_int(s, 2, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int wallet_balance(db_conn *db, int64_t space_id, int64_t *fen) {
    sqlite3_stmt *s = db_stmt(db, "SELECT balance FROM wallets WHERE space_id = ?1");
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    int rc = sqlite3_step(s);
    *fen = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
