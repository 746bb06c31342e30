/* Reproduces nng's close race for tests/unit/test_sockclose.c: a SUB is closed, round
 * after round, while a PUB keeps sending to it. With sock_close_all every close returns
 * within the bound; with a plain nng_close this program hangs (nng 1.5.2).
 * Usage: close_race <ipc-or-tcp-url> [rounds] [bound_ms]   (tcp port 0: any free port)
 * Exit: 0 every close returned in time, 1 one did not, 2 setup failed. */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "../../common/sockclose.h"
#include "../../common/timeutil.h"

static void *publisher(void *arg) {
    nng_socket pub = *(nng_socket *)arg;
    for (;;) {
        nng_send(pub, "event", 5, 0);
        usleep(50);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *url = argv[1];
    int rounds = argc > 2 ? atoi(argv[2]) : 30, bound_ms = argc > 3 ? atoi(argv[3]) : 300;
    static nng_socket pub;
    nng_listener listener;
    nng_sockaddr at;
    pthread_t t;
    if (nng_pub0_open(&pub) || nng_listen(pub, url, &listener, 0) ||
        nng_listener_get_addr(listener, NNG_OPT_LOCADDR, &at) ||
        pthread_create(&t, NULL, publisher, &pub))
        return 2;
    char bound_url[256];
    if (at.s_family == NNG_AF_INET) {          /* the port the kernel chose */
        snprintf(bound_url, sizeof bound_url, "tcp://127.0.0.1:%u", ntohs(at.s_in.sa_port));
        url = bound_url;
    }
    int unfinished = 0, degraded = 0;
    for (int round = 0; round < rounds; round++) {
        nng_socket sub;
        void *buf;
        size_t len;
        if (nng_sub0_open(&sub) || nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, "", 0) ||
            nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 2000) || nng_dial(sub, url, NULL, NNG_FLAG_NONBLOCK))
            return 2;
        /* Once nng's reaper is blocked (even by a close that returned), nothing arrives
         * any more; the closes that follow must still return in time. */
        if (!unfinished && !degraded) {
            if (nng_recv(sub, &buf, &len, NNG_FLAG_ALLOC) == 0) nng_free(buf, len);
            else degraded = round + 1;
        }
        int64_t t0 = mono_ms();
        unfinished += sock_close_all(&sub, 1, bound_ms, "close-race");
        if (mono_ms() - t0 > bound_ms + 500) return 1;
    }
    printf("%d of %d closes unfinished in nng (handed off), receiving stopped at round %d; "
           "all returned in time\n", unfinished, rounds, degraded);
    fflush(stdout);
    _exit(0);                               /* stuck closes stay behind: no exit handlers */
}
