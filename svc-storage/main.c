/* svc-storage: uploads (sessions streamed to a temp file), blobs on local disk or S3,
 * metadata in storage.db, purge on space deletion. */
#include "storage.h"
#include "../common/service.h"

static const rpc_route routes[] = {
    {"storage.put_begin", storage_put_begin},
    {"storage.put_chunk", storage_put_chunk},
    {"storage.put_commit", storage_put_commit},
    {"storage.put_abort", storage_put_abort},
    {"storage.get_meta", storage_get_meta},
    {"storage.get_chunk", storage_get_chunk},
    {NULL, NULL},
};

static int init(void) {
    if (storage_backend_init() != 0) return -1;
    storage_bus_after(NULL, NULL);   /* finish a purge interrupted by a stop or store outage */
    return 0;
}

int main(void) {
    service_def def = {
        .name = "svc-storage",
        .env_name = "STORAGE",
        .db_file = "storage.db",
        .migrations = storage_migrations,
        .routes = routes,
        .on_bus_event = storage_bus_apply,
        .after_bus_event = storage_bus_after,
        .init = init,
        .fini = storage_purge_close,
    };
    return service_main(&def);
}
