/* common/subscriber: messages from every publisher arrive, reconnects are reported, and
 * stopping at any point of the reader's wait is prompt (its aio is cancelled, not polled). */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "ut.h"
#include "../../common/subscriber.h"
#include "../../common/timeutil.h"

static atomic_int received, connects, ticks;
static void on_message(const void *buf, size_t len, void *arg) { atomic_fetch_add(&received, 1); }
static void on_connect(int index, void *arg) { atomic_fetch_add(&connects, 1); }
static void on_tick(void *arg) { atomic_fetch_add(&ticks, 1); }

static int open_pub(const char *url, nng_socket *pub) {
    return nng_pub0_open(pub) || nng_listen(*pub, url, NULL, 0);
}

/* Publishes until the subscriber has seen one more message (SUB joins late). */
static int deliver(nng_socket pub) {
    int before = atomic_load(&received);
    for (int i = 0; i < 300 && atomic_load(&received) == before; i++) {
        nng_send(pub, "x", 1, 0);
        usleep(5000);
    }
    usleep(20000);   /* let sends still in flight land before the caller goes on */
    return atomic_load(&received) > before;
}

TEST(subscriber_reads_two_publishers_and_stops_promptly) {
    char u1[128], u2[128];
    snprintf(u1, sizeof u1, "ipc:///tmp/wh-unit-sub1-%d", (int)getpid());
    snprintf(u2, sizeof u2, "ipc:///tmp/wh-unit-sub2-%d", (int)getpid());
    char urls[300];
    snprintf(urls, sizeof urls, "%s,%s", u1, u2);
    nng_socket p1, p2;
    CHECK(open_pub(u1, &p1) == 0 && open_pub(u2, &p2) == 0);
    int64_t worst_stop = 0;
    for (int round = 0; round < 40; round++) {
        atomic_store(&connects, 0);
        atomic_store(&ticks, 0);
        subscriber_opts o = {.what = "unit", .urls = urls, .on_message = on_message,
                             .on_connect = on_connect, .on_tick = on_tick, .tick_ms = 50};
        subscriber *s = subscriber_start(&o);
        CHECK(s != NULL);
        if (!s) break;
        CHECK(deliver(p1));
        CHECK(deliver(p2));
        CHECK(atomic_load(&connects) == 2);
        CHECK(atomic_load(&ticks) >= 1);       /* the first tick comes at start */
        usleep((useconds_t)(rand() % 20000));  /* stop at any point of the receive wait */
        int64_t t0 = mono_ms();
        subscriber_stop(s);
        int64_t took = mono_ms() - t0;
        if (took > worst_stop) worst_stop = took;
    }
    fprintf(stderr, "  worst subscriber stop: %lld ms\n", (long long)worst_stop);
    CHECK(worst_stop < 300);                   /* the reader's wait is cancelled, not polled */
    nng_close(p1);
    nng_close(p2);
}

TEST(subscriber_rejects_an_empty_url_list) {
    subscriber_opts o = {.what = "unit", .urls = "", .on_message = on_message};
    CHECK(subscriber_start(&o) == NULL);
    subscriber_stop(NULL);
}
