/* Recharge and pay: one transaction each (balance update + ledger row), guarded by the
 * balance bounds in the UPDATE itself, and idempotent by key. */
#include <stdio.h>
#include <string.h>
#include "wallet.h"
#include "../common/args.h"
#include "../common/log.h"
#include "../common/timeutil.h"

typedef struct movement {
    const char *type;        /* "recharge" | "payment" */
    int64_t space_id, delta; /* signed fen */
    char key[72];            /* idempotency key or "" */
    const char *source;
    const char *pay_token;
} movement;

/* transaction_id or request_id: a string (<= 64) or an integer. */
static int read_key(const json_t *args, char key[72]) {
    const char *names[] = {"transaction_id", "request_id"};
    key[0] = 0;
    for (int i = 0; i < 2; i++) {
        const json_t *v = json_object_get(args, names[i]);
        if (!v || json_is_null(v)) continue;
        if (json_is_integer(v)) snprintf(key, 72, "%lld", (long long)json_integer_value(v));
        else if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= 64)
            snprintf(key, 72, "%s", json_string_value(v));
        else return -1;
        return 0;
    }
    return 0;
}

static int reply(json_t **out, int64_t balance, int64_t ledger_id) {
    return rpc_ok(out, json_pack("{s:b,s:o,s:I}", "success", 1, "balance", wallet_money(balance),
                                 "transaction_id", (json_int_t)ledger_id));
}

/* A key seen before: same movement -> the original answer; different -> 409. 1 = answered. */
static int replay(svc_call *c, json_t **out, const movement *m, int *status) {
    sqlite3_stmt *s = db_stmt(c->db, "SELECT id, type, amount, balance_after FROM ledger"
                                     " WHERE space_id = ?1 AND idem_key = ?2");
    if (!s) { *status = wallet_db_fail(c, out, "replay lookup"); return 1; }
    db_bind_int(s, 1, m->space_id);
    db_bind_text(s, 2, m->key);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) { *status = wallet_db_fail(c, out, "replay step"); return 1; }
        return 0;
    }
    int same = !strcmp(db_col_text(s, 1), m->type) && sqlite3_column_int64(s, 2) == m->delta;
    int64_t id = sqlite3_column_int64(s, 0), after = sqlite3_column_int64(s, 3);
    sqlite3_reset(s);
    db_rollback(c->db);
    *status = same ? reply(out, after, id) : rpc_fail(out, 409, "幂等键冲突：该交易号已用于另一笔操作");
    return 1;
}

static int apply(svc_call *c, json_t **out, const movement *m) {
    if (db_begin(c->db) != SQLITE_OK) return wallet_db_fail(c, out, "movement begin");
    if (wallet_ensure(c->db, m->space_id)) return wallet_db_fail(c, out, "movement wallet");
    int st;
    if (m->key[0] && replay(c, out, m, &st)) return st;
    if (m->pay_token) {
        int used = wallet_token_consume(c->db, m->space_id, m->pay_token);
        if (used < 0) return wallet_db_fail(c, out, "pay token");
        if (!used) {
            db_rollback(c->db);
            return rpc_fail(out, 400, "支付码无效或已过期");
        }
    }
    sqlite3_stmt *s = db_stmt(c->db,
        "UPDATE wallets SET balance = balance + ?2, updated_at = ?3"
        " WHERE space_id = ?1 AND balance + ?2 >= 0 AND balance + ?2 <= ?4");
    if (!s) return wallet_db_fail(c, out, "movement update");
    db_bind_int(s, 1, m->space_id);
    db_bind_int(s, 2, m->delta);
    db_bind_int(s, 3, now_ms());
    db_bind_int(s, 4, WALLET_BALANCE_CAP_FEN);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return wallet_db_fail(c, out, "movement update step");
    int64_t balance;
    if (db_changes(c->db) == 0) {
        if (wallet_balance(c->db, m->space_id, &balance)) return wallet_db_fail(c, out, "balance");
        db_rollback(c->db);
        if (m->delta > 0) return rpc_fail(out, 400, "余额超过上限");
        json_t *body = json_pack("{s:s,s:o,s:o}", "detail", "余额不足", "current_balance",
                                 wallet_money(balance), "required_amount", wallet_money(-m->delta));
        *out = body;
        return 400;
    }
    if (wallet_balance(c->db, m->space_id, &balance)) return wallet_db_fail(c, out, "balance");
    s = db_stmt(c->db, "INSERT INTO ledger(space_id, type, amount, balance_after, user_id, source,"
                       " idem_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!s) return wallet_db_fail(c, out, "ledger insert");
    db_bind_int(s, 1, m->space_id);
    db_bind_text(s, 2, m->type);
    db_bind_int(s, 3, m->delta);
    db_bind_int(s, 4, balance);
    db_bind_text(s, 5, c->meta.uid);
    db_bind_text(s, 6, m->source);
    db_bind_text(s, 7, m->key[0] ? m->key : NULL);
    db_bind_int(s, 8, now_ms());
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return wallet_db_fail(c, out, "ledger insert step");
    int64_t id = db_last_id(c->db);
    if (db_commit(c->db) != SQLITE_OK) return wallet_db_fail(c, out, "movement commit");
    LOG_INFO(c->meta.rid, "%s of %lld fen in space %lld", m->type, (long long)m->delta, (long long)m->space_id);
    return reply(out, balance, id);
}

/* Shared argument reading for both directions. NULL or the 400 detail. */
static const char *read_movement(svc_call *c, movement *m, const char *type) {
    memset(m, 0, sizeof *m);
    m->type = type;
    arg_int(c->args, "space_id", &m->space_id);
    int64_t fen;
    const char *bad = wallet_parse_amount(json_object_get(c->args, "amount"), wallet_max_movement_fen(), &fen);
    if (bad) return bad;
    m->delta = !strcmp(type, "recharge") ? fen : -fen;
    if (read_key(c->args, m->key)) return "交易号格式无效";
    return NULL;
}

int wallet_recharge(svc_call *c, json_t **out) {
    movement m;
    const char *bad = read_movement(c, &m, "recharge");
    if (bad) return rpc_fail(out, 400, bad);
    const char *source = "manual";
    if (arg_str(c->args, "source", &source) < 0 ||
        (strcmp(source, "manual") && strcmp(source, "wechatpay")))
        return rpc_fail(out, 400, "充值来源无效");
    m.source = source;
    return apply(c, out, &m);
}

int wallet_pay(svc_call *c, json_t **out) {
    movement m;
    const char *bad = read_movement(c, &m, "payment");
    if (bad) return rpc_fail(out, 400, bad);
    const char *token = NULL;
    if (arg_str(c->args, "pay_token", &token) < 0) return rpc_fail(out, 400, "支付码无效或已过期");
    m.pay_token = token && *token ? token : NULL;
    m.source = m.pay_token ? "paycode" : "manual";
    return apply(c, out, &m);
}
