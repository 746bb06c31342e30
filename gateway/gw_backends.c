/* RPC clients of the services the gateway fronts (GATEWAY_BACKENDS). */
#include <string.h>
#include "gw_internal.h"
#include "../common/config.h"

static rpc_client *clients[SVC_COUNT];
static int enabled[SVC_COUNT];
static int rpc_timeout;

rpc_client *gw_client(gw_service s) { return clients[s]; }
int gw_rpc_timeout_ms(void) { return rpc_timeout; }
int gw_backend_enabled(gw_service s) { return s < SVC_COUNT && enabled[s]; }

int gw_backends_open(void) {
    rpc_timeout = (int)cfg_int("GATEWAY_RPC_TIMEOUT_MS", 5000);
    const char *list = cfg_str("GATEWAY_BACKENDS", "space,chat,notes,wallet,storage");
    static const char *env_names[SVC_COUNT] = {"SPACE", "CHAT", "NOTES", "WALLET", "STORAGE"};
    for (int s = 0; s < SVC_COUNT; s++) {
        char item[32];
        for (int i = 0; cfg_list_item(list, i, item, sizeof item) == 0; i++)
            if (!strcmp(item, gw_service_name((gw_service)s))) enabled[s] = 1;
        /* Every client exists (routes to a disabled service answer 503 before using it). */
        if (!(clients[s] = rpc_client_open(cfg_rpc_urls(env_names[s])))) return -1;
    }
    return 0;
}

void gw_backends_close(void) {
    for (int s = 0; s < SVC_COUNT; s++) rpc_client_close(clients[s]);
}
