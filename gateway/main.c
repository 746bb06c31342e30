/* The gateway: HTTP/1.1 + WebSocket in front of the services. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include "gw_request.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/stopsignals.h"

/* The websocket and upload modules link in when present (weak references). */
__attribute__((weak)) int ws_module_init(void);
__attribute__((weak)) void ws_module_shutdown(void);
__attribute__((weak)) int upload_module_init(void);
__attribute__((weak)) void upload_module_shutdown(void);

static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int main(void) {
    log_init("gateway");
    sigset_t sigs;
    stop_signals_block(&sigs);
    raise_fd_limit();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (gw_auth_init() || gw_backends_open() || gw_members_init()) return 1;
    if (ws_module_init && ws_module_init() != 0) { LOG_ERROR(NULL, "websocket module failed"); return 1; }
    if (upload_module_init && upload_module_init() != 0) { LOG_ERROR(NULL, "upload module failed"); return 1; }

    long port = cfg_int("GATEWAY_PORT", 8000);
    const char *host = cfg_str("GATEWAY_HOST", "127.0.0.1");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        LOG_ERROR(NULL, "GATEWAY_HOST must be an IPv4 address, got %s", host);
        return 1;
    }
    long threads = cfg_int("GATEWAY_THREADS", sysconf(_SC_NPROCESSORS_ONLN));
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_ALLOW_UPGRADE;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, gw_on_access, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 2),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg_int("GATEWAY_MAX_CONNECTIONS", 10000),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg_int("GATEWAY_IDLE_SECONDS", 120),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_NOTIFY_COMPLETED, gw_on_completed, NULL,
        MHD_OPTION_END);
    if (!d) {
        LOG_ERROR(NULL, "cannot listen on %s:%ld", host, port);
        return 1;
    }
    LOG_INFO(NULL, "gateway listening on %s:%ld with %ld threads", host, port, threads);

    int sig = stop_signals_wait(&sigs);
    LOG_INFO(NULL, "signal %d: draining", sig);
    MHD_quiesce_daemon(d);                       /* no new connections */
    for (int i = 0; i < 500 && gw_in_flight() > 0; i++) usleep(10000);
    if (ws_module_shutdown) ws_module_shutdown();
    if (upload_module_shutdown) upload_module_shutdown();
    MHD_stop_daemon(d);
    gw_members_shutdown();
    gw_backends_close();
    curl_global_cleanup();
    LOG_INFO(NULL, "gateway stopped");
    return 0;
}
