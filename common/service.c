#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "service.h"
#include "stopsignals.h"
#include "config.h"
#include "ids.h"
#include "log.h"

static rpc_client *space_client;
static char db_path[4096];

rpc_client *service_space_client(void) { return space_client; }
const char *service_db_path(void) { return db_path; }

/* chat.db -> chat-1.db for shard 1 of several, so replicas can share a data directory. */
static int shard_db_path(const char *file) {
    if (shard_count() == 1) return cfg_data_path(db_path, sizeof db_path, file);
    char name[256];
    const char *dot = strrchr(file, '.');
    int stem = dot ? (int)(dot - file) : (int)strlen(file);
    snprintf(name, sizeof name, "%.*s-%d%s", stem, file, shard_index(), dot ? dot : "");
    return cfg_data_path(db_path, sizeof db_path, name);
}

int service_main(const service_def *def) {
    log_init(def->name);
    sigset_t sigs;
    stop_signals_block(&sigs);

    char listen_url[512];
    if (cfg_list_item(cfg_rpc_urls(def->env_name), shard_index(), listen_url, sizeof listen_url)) {
        LOG_ERROR(NULL, "no %s_RPC_URL entry for shard %d", def->env_name, shard_index());
        return 2;
    }
    if (def->db_file && shard_db_path(def->db_file)) {
        LOG_ERROR(NULL, "data path too long");
        return 2;
    }
    if (!(space_client = rpc_client_open(cfg_rpc_urls("SPACE")))) return 2;
    if (def->init && def->init() != 0) {
        LOG_ERROR(NULL, "%s: init failed", def->name);
        rpc_client_close(space_client);
        return 1;
    }
    rpc_server_opts so = {
        .url = listen_url, .routes = def->routes, .workers = (int)cfg_int("WORKERS", 8),
        .db_path = def->db_file ? db_path : NULL, .migrations = def->migrations,
        .service = def->name,
    };
    rpc_server *srv = rpc_server_start(&so);
    if (!srv) {
        if (def->fini) def->fini();
        rpc_client_close(space_client);
        return 1;
    }
    bus_sub *sub = NULL;
    if (def->on_bus_event) {
        bus_sub_opts bo = {
            .bus_url = cfg_url("SPACE_BUS_URL", "space.bus"),
            .space_rpc_urls = cfg_rpc_urls("SPACE"),
            .db_path = db_path, .apply = def->on_bus_event, .after = def->after_bus_event,
            .poll_ms = (int)cfg_int("BUS_POLL_MS", 2000),
        };
        if (!(sub = bus_sub_start(&bo))) {
            rpc_server_stop(srv);
            if (def->fini) def->fini();
            rpc_client_close(space_client);
            return 1;
        }
    }
    int sig = stop_signals_wait(&sigs);
    LOG_INFO(NULL, "%s: signal %d, stopping", def->name, sig);
    bus_sub_stop(sub);
    rpc_server_stop(srv);
    if (def->fini) def->fini();
    rpc_client_close(space_client);
    LOG_INFO(NULL, "%s: stopped", def->name);
    return 0;
}
