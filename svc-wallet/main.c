/* svc-wallet: the shared wallet of a space. */
#include "wallet.h"
#include "../common/service.h"

static const rpc_route routes[] = {
    {"wallet.info", wallet_info},
    {"wallet.transactions", wallet_transactions},
    {"wallet.recharge", wallet_recharge},
    {"wallet.pay", wallet_pay},
    {"wallet.pay_code", wallet_pay_code},
    {NULL, NULL},
};

int main(void) {
    service_def def = {
        .name = "svc-wallet", .env_name = "WALLET", .db_file = "wallet.db",
        .migrations = wallet_migrations, .routes = routes, .on_bus_event = wallet_on_bus_event,
    };
    return service_main(&def);
}
