/* Pay codes: a random single-use token per wallet view, valid a few minutes, bound to its
 * space. The QR image is fetched by WeChat's <image> without auth headers, so the token
 * itself is the capability: 128 random bits, short-lived, consumed by the payment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include "wallet.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/timeutil.h"

static int64_t ttl_ms(void) { return cfg_int("WALLET_PAY_TOKEN_TTL_SECONDS", 300) * 1000; }

int wallet_token_issue(db_conn *db, int64_t space_id, const char *uid, char token[33]) {
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1) return -1;
    for (int i = 0; i < 16; i++) snprintf(token + 2 * i, 3, "%02x", raw[i]);
    int64_t now = now_ms();
    /* expired tokens of this space go as new ones come: the table stays small */
    sqlite3_stmt *s = db_stmt(db, "DELETE FROM pay_tokens WHERE space_id = ?1 AND expires_at < ?2");
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    db_bind_int(s, 2, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return -1;
    s = db_stmt(db, "INSERT INTO pay_tokens(token, space_id, user_id, expires_at) VALUES (?1, ?2, ?3, ?4)");
    if (!s) return -1;
    db_bind_text(s, 1, token);
    db_bind_int(s, 2, space_id);
    db_bind_text(s, 3, uid);
    db_bind_int(s, 4, now + ttl_ms());
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int wallet_token_consume(db_conn *db, int64_t space_id, const char *token) {
    sqlite3_stmt *s = db_stmt(db, "UPDATE pay_tokens SET used_at = ?3 WHERE token = ?1 AND space_id = ?2"
                                  " AND used_at IS NULL AND expires_at > ?3");
    if (!s) return -1;
    db_bind_text(s, 1, token);
    db_bind_int(s, 2, space_id);
    db_bind_int(s, 3, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return -1;
    return db_changes(db) == 1;
}

int wallet_pay_code(svc_call *c, json_t **out) {
    const char *token = NULL;
    int64_t space_id = 0;
    if (arg_str(c->args, "token", &token) != 1 || strlen(token) != 32 ||
        strspn(token, "0123456789abcdef") != 32 || arg_int(c->args, "space_id", &space_id) != 1)
        return rpc_fail(out, 404, "支付码无效或已过期");
    sqlite3_stmt *s = db_stmt(c->db, "SELECT 1 FROM pay_tokens WHERE token = ?1 AND space_id = ?3"
                                     " AND used_at IS NULL AND expires_at > ?2");
    if (!s) return wallet_db_fail(c, out, "pay code");
    db_bind_text(s, 1, token);
    db_bind_int(s, 2, now_ms());
    db_bind_int(s, 3, space_id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return rpc_fail(out, 404, "支付码无效或已过期");
    if (rc != SQLITE_ROW) return wallet_db_fail(c, out, "pay code step");
    char text[64];
    snprintf(text, sizeof text, "wormhole-pay:%s", token);
    size_t len = 0;
    unsigned char *png = wallet_qr_png(text, &len);
    if (!png) return rpc_fail(out, 500, "支付码生成失败");
    json_t *body = json_pack("{s:o,s:s,s:s}", "__raw", json_stringn_nocheck((const char *)png, len),
                             "__ctype", "image/png", "__cache", "no-store");
    free(png);
    return rpc_ok(out, body);
}
