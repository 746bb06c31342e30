/* Bus: a deleted space's wallet, ledger and pay codes go away in the bus transaction. */
#include "wallet.h"
#include "../common/bus.h"

int wallet_on_bus_event(db_conn *db, const json_t *event, void *arg) {
    static const char *const purges[] = {
        "DELETE FROM pay_tokens WHERE space_id = ?1",
        "DELETE FROM ledger WHERE space_id = ?1",
        "DELETE FROM wallets WHERE space_id = ?1",
    };
    int64_t sid = bus_deleted_space(event);
    return sid ? bus_purge_space(db, purges, sizeof purges / sizeof purges[0], sid) : 0;
}
