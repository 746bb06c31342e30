/* Bus: a deleted space's wallet, ledger and pay codes go away in the bus transaction. */
#include <string.h>
#include "wallet.h"
#include "../common/args.h"

int wallet_on_bus_event(db_conn *db, const json_t *event, void *arg) {
    const char *type = json_str_or_null(json_object_get(event, "type"));
    if (!type || strcmp(type, "space.deleted")) return 0;
    static const char *const purges[] = {
        "DELETE FROM pay_tokens WHERE space_id = ?1",
        "DELETE FROM ledger WHERE space_id = ?1",
        "DELETE FROM wallets WHERE space_id = ?1",
    };
    for (size_t i = 0; i < sizeof purges / sizeof purges[0]; i++) {
        sqlite3_stmt *s = db_stmt(db, purges[i]);
        if (!s) return -1;
        db_bind_int(s, 1, json_integer_value(json_object_get(event, "space_id")));
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return -1;
    }
    return 0;
}
