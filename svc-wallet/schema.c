/* One wallet row per space (PRIMARY KEY: no duplicate wallets), balance never negative by
 * constraint; the ledger keeps each movement with the balance right after it, and its
 * idempotency key unique per space. */
#include "wallet.h"

const char *const wallet_migrations[] = {
    "CREATE TABLE wallets ("
    "  space_id INTEGER PRIMARY KEY, balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE ledger ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, space_id INTEGER NOT NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('recharge', 'payment')),"
    "  amount INTEGER NOT NULL, balance_after INTEGER NOT NULL, user_id TEXT NOT NULL,"
    "  source TEXT NOT NULL, idem_key TEXT, created_at INTEGER NOT NULL,"
    "  UNIQUE (space_id, idem_key));"
    "CREATE INDEX ledger_by_space ON ledger(space_id, created_at DESC, id DESC);"
    "CREATE TABLE pay_tokens ("
    "  token TEXT PRIMARY KEY, space_id INTEGER NOT NULL, user_id TEXT NOT NULL,"
    "  expires_at INTEGER NOT NULL, used_at INTEGER);"
    "CREATE INDEX pay_tokens_by_space ON pay_tokens(space_id, expires_at);",
    NULL,
};
