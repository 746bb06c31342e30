/* svc-wallet: one wallet per space, an append-only ledger, single-use pay codes.
 * Money is integer fen everywhere; text only at the edges (money.c). */
#ifndef WH_WALLET_H
#define WH_WALLET_H
#include <stdint.h>
#include "../common/rpc.h"

#define WALLET_BALANCE_CAP_FEN 1000000000000LL   /* ¥10,000,000,000: no overflow anywhere */

extern const char *const wallet_migrations[];

/* money.c: JSON integer (yuan), decimal string or real with at most two decimals, > 0 and
 * <= max_fen. Returns NULL and sets *fen, or the 400 detail. */
const char *wallet_parse_amount(const json_t *v, int64_t max_fen, int64_t *fen);
/* "12.50", "-1.00" */
void wallet_format(int64_t fen, char buf[32]);
json_t *wallet_money(int64_t fen);            /* JSON string of wallet_format */
int64_t wallet_max_movement_fen(void);       /* WALLET_MAX_MOVEMENT_FEN, default ¥1,000,000 */

/* handlers */
int wallet_info(svc_call *c, json_t **out);
int wallet_transactions(svc_call *c, json_t **out);
int wallet_recharge(svc_call *c, json_t **out);
int wallet_pay(svc_call *c, json_t **out);
int wallet_pay_code(svc_call *c, json_t **out);
int wallet_on_bus_event(db_conn *db, const json_t *event, void *arg);

/* store.c */
int wallet_ensure(db_conn *db, int64_t space_id);                 /* 0 ok */
int wallet_balance(db_conn *db, int64_t space_id, int64_t *fen);  /* 0 ok */
int wallet_db_fail(svc_call *c, json_t **out, const char *what);

/* paycode.c */
int wallet_token_issue(db_conn *db, int64_t space_id, const char *uid, char token[33]);
/* Consumes a token for space_id inside the caller's transaction: 1 consumed, 0 invalid,
 * -1 database error. */
int wallet_token_consume(db_conn *db, int64_t space_id, const char *token);

/* qrpng.c: a PNG of the QR code of text (malloc'd bytes), NULL on failure. */
unsigned char *wallet_qr_png(const char *text, size_t *len);
#endif
