/* Test subscriber of the space bus: applies events through common/bus_sub with its own
 * sqlite file (argv[1]) and prints each applied event as one JSON line on stdout. Because
 * the last applied seq is kept in that file, a probe restarted after downtime prints the
 * events it missed, once each, in order. Runs until SIGTERM/SIGINT.
 * Environment: SPACE_BUS_URL, SPACE_RPC_URL (or WORMHOLE_RUN_DIR defaults), BUS_POLL_MS. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include "../../common/bus.h"
#include "../../common/stopsignals.h"
#include "../../common/config.h"
#include "../../common/log.h"

static int apply(db_conn *db, const json_t *event, void *arg) { return 0; }

static void print_event(const json_t *event, void *arg) {
    char *line = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
    if (!line) return;
    printf("%s\n", line);
    fflush(stdout);
    free(line);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s STATE_DB\n", argv[0]);
        return 2;
    }
    log_init("bus-probe");
    sigset_t sigs;
    stop_signals_block(&sigs);                 /* before any thread starts */
    bus_sub_opts o = {
        .bus_url = cfg_url("SPACE_BUS_URL", "space.bus"),
        .space_rpc_urls = cfg_rpc_urls("SPACE"),
        .db_path = argv[1],
        .apply = apply,
        .after = print_event,
        .poll_ms = (int)cfg_int("BUS_POLL_MS", 500),
    };
    bus_sub *sub = bus_sub_start(&o);
    if (!sub) return 1;
    int sig;
    sigwait(&sigs, &sig);
    bus_sub_stop(sub);
    return 0;
}
