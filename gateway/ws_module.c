/* Module life cycle: limits from the environment, the /ws/ route, the socket loop and the
 * subscription to svc-chat's events. */
#include "ws.h"
#include "gw.h"
#include "../common/config.h"
#include "../common/log.h"

ws_limits ws_cfg;

static long bounded(const char *env, long def, long lo, long hi) {
    long v = cfg_int(env, def);
    if (v < lo || v > hi) {
        LOG_WARN(NULL, "%s=%ld out of range [%ld, %ld]; using %ld", env, v, lo, hi, def);
        return def;
    }
    return v;
}

int ws_module_init(void) {
    ws_cfg.max_connections = (int)bounded("WS_MAX_CONNECTIONS", 10000, 1, 1000000);
    ws_cfg.max_frame = (size_t)bounded("WS_MAX_FRAME", 65536, 1024, 16 << 20);
    ws_cfg.max_queue = (size_t)bounded("WS_MAX_QUEUE", 1 << 20, 4096, 256 << 20);
    ws_cfg.ping_ms = (int)bounded("WS_PING_SECONDS", 60, 1, 86400) * 1000;
    ws_cfg.idle_ms = (int)bounded("WS_IDLE_SECONDS", 180, 1, 86400) * 1000;
    ws_cfg.resume_max = (int)bounded("WS_RESUME_MAX", 100, 1, 200);
    ws_cfg.alive_ms = (int)bounded("WS_PRESENCE_ALIVE_MS", 10000, 100, 600000);
    ws_cfg.rate = (int)bounded("WS_RATE_PER_SEC", 30, 1, 100000);
    if (ws_loop_start()) return -1;
    if (ws_events_start()) {
        ws_loop_stop();
        return -1;
    }
    ws_handshake_register();
    return 0;
}

void ws_module_shutdown(void) {
    ws_handshake_drain(gw_rpc_timeout_ms() + 1000);   /* MHD cannot stop with them suspended */
    ws_events_stop();
    ws_loop_stop();
}
