/* Reading the wallet: balance + pay code, and the ledger newest first. */
#include <stdio.h>
#include "wallet.h"
#include "../common/args.h"
#include "../common/spaceclient.h"
#include "../common/timeutil.h"

int wallet_info(svc_call *c, json_t **out) {
    int64_t space_id, balance;
    arg_int(c->args, "space_id", &space_id);
    char token[33];
    if (db_begin(c->db) != SQLITE_OK || wallet_ensure(c->db, space_id) ||
        wallet_balance(c->db, space_id, &balance) ||
        wallet_token_issue(c->db, space_id, c->meta.uid, token) || db_commit(c->db) != SQLITE_OK)
        return wallet_db_fail(c, out, "wallet info");
    char url[128];   /* space_id in the query: the gateway routes the image to the wallet's shard */
    snprintf(url, sizeof url, "/api/wallet/pay-code/%s?space_id=%lld", token, (long long)space_id);
    return rpc_ok(out, json_pack("{s:o,s:s}", "balance", wallet_money(balance), "pay_code_url", url));
}

int wallet_transactions(svc_call *c, json_t **out) {
    int64_t space_id, balance, page = 1, limit = 50;
    arg_int(c->args, "space_id", &space_id);
    if (arg_int(c->args, "page", &page) < 0 || arg_int(c->args, "limit", &limit) < 0)
        return rpc_fail(out, 400, "分页参数无效");
    if (page < 1) page = 1;
    if (page > 1000000) page = 1000000;          /* (page - 1) * limit stays far from overflow */
    if (limit < 1) limit = 1;
    if (limit > 100) limit = 100;
    if (wallet_ensure(c->db, space_id) || wallet_balance(c->db, space_id, &balance))
        return wallet_db_fail(c, out, "transactions wallet");
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT id, type, amount, user_id, source, created_at FROM ledger WHERE space_id = ?1"
        " ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3");
    if (!s) return wallet_db_fail(c, out, "transactions");
    db_bind_int(s, 1, space_id);
    db_bind_int(s, 2, limit + 1);
    db_bind_int(s, 3, (page - 1) * limit);
    json_t *list = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *uid = db_col_text(s, 3);
        json_t *t = json_pack("{s:I,s:s,s:o,s:s,s:n,s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                              "type", db_col_text(s, 1), "amount", wallet_money(sqlite3_column_int64(s, 2)),
                              "user_id", uid, "alias", "source", db_col_text(s, 4));
        char iso[32];
        iso_utc(sqlite3_column_int64(s, 5), iso, sizeof iso);
        json_object_set_new(t, "created_at", json_string(iso));
        json_object_set_new(t, "created_at_ts", json_integer(sqlite3_column_int64(s, 5)));
        json_array_append_new(list, t);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(list); return wallet_db_fail(c, out, "transactions step"); }
    int has_more = json_array_size(list) > (size_t)limit;
    if (has_more) json_array_remove(list, json_array_size(list) - 1);
    static const char *const keys[] = {"user_id"};
    json_t *profiles = space_profiles_of(c, space_id, list, keys, 1);
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t) {
        const json_t *p = json_object_get(profiles, json_string_value(json_object_get(t, "user_id")));
        const json_t *alias = json_object_get(p, "alias");
        json_object_set(t, "alias", alias ? (json_t *)alias : json_null());
    }
    json_decref(profiles);
    return rpc_ok(out, json_pack("{s:o,s:o,s:I,s:I,s:b}", "balance", wallet_money(balance),
                                 "transactions", list, "page", (json_int_t)page,
                                 "limit", (json_int_t)limit, "has_more", has_more));
}
