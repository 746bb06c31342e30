/* Configuration from environment variables with local defaults.
 *
 * Conventions (see README "Configuration"):
 *   WORMHOLE_DATA_DIR   ./var/data      sqlite files and local blobs
 *   WORMHOLE_RUN_DIR    ./var/run       ipc:// sockets
 *   <NAME>_RPC_URL      ipc://$RUN_DIR/<name>.rpc   (comma-separated list = shards)
 *   SPACE_BUS_URL       ipc://$RUN_DIR/space.bus    (svc-space PUB, deletion events)
 *   CHAT_EVENTS_URL     ipc://$RUN_DIR/chat.events  (svc-chat PUB; comma list = shards)
 *   SHARD_INDEX/SHARD_COUNT  this replica's shard (default 0/1); a replica binds element
 *                       SHARD_INDEX of its own comma-separated URL lists
 *   WORKERS             worker contexts per service (default 8)
 * NAME is one of SPACE, CHAT, NOTES, WALLET, STORAGE. */
#ifndef WH_CONFIG_H
#define WH_CONFIG_H
#include <stddef.h>
const char *cfg_str(const char *env, const char *def);
long cfg_int(const char *env, long def);
int cfg_bool(const char *env, int def);            /* 1/true/yes/on */
const char *cfg_data_dir(void);                    /* created if missing */
const char *cfg_run_dir(void);                     /* created if missing */
/* URL list for a service's RPC endpoint(s), e.g. cfg_rpc_urls("CHAT") -> "ipc://…/chat.rpc".
 * Returned string is static storage owned by config (do not free). */
const char *cfg_rpc_urls(const char *name);
const char *cfg_url(const char *env, const char *ipc_basename); /* env or ipc://$RUN_DIR/<basename> */
/* Element `index` of a comma-separated URL list, copied into buf. 0 ok, -1 out of range. */
int cfg_list_item(const char *list, int index, char *buf, size_t n);
/* Path join into buf under data dir: cfg_data_path(buf, sizeof buf, "chat.db"). */
int cfg_data_path(char *buf, size_t n, const char *file);
#endif
