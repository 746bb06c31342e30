/* The one main() of every domain service: logging, config, database + migrations per
 * worker, RPC server, optional bus subscription, SIGTERM/SIGINT handling. A service's
 * main.c is just a service_def and a call to service_main(). */
#ifndef WH_SERVICE_H
#define WH_SERVICE_H
#include "rpc.h"
#include "bus.h"

typedef struct service_def {
    const char *name;               /* "svc-chat" (logs) */
    const char *env_name;           /* "CHAT": binds item SHARD_INDEX of CHAT_RPC_URL */
    const char *db_file;            /* "chat.db" under WORMHOLE_DATA_DIR (shard suffix added
                                       automatically when SHARD_COUNT > 1: chat-1.db) */
    const char *const *migrations;  /* NULL-terminated */
    const rpc_route *routes;        /* {NULL,NULL}-terminated */
    bus_apply_fn on_bus_event;      /* NULL = do not subscribe */
    bus_after_fn after_bus_event;   /* optional */
    int (*init)(void);              /* optional, after config, before serving; 0 = ok */
    void (*fini)(void);             /* optional, after the server stopped */
} service_def;

int service_main(const service_def *def);   /* returns process exit code */

/* Shared client to svc-space (for role and profile look-ups), opened by service_main. */
rpc_client *service_space_client(void);
/* Full path of this service's database (valid after service_main started). */
const char *service_db_path(void);
#endif
