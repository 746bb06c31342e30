/* See subscriber.h for why stopping joins the reader before closing the socket. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include "subscriber.h"
#include "config.h"
#include "log.h"
#include "sockclose.h"
#include "timeutil.h"

#define MAX_PUBLISHERS 64

struct subscriber {
    subscriber_opts o;
    nng_socket sock;
    nng_aio *aio;                 /* the reader's receive */
    nng_dialer dialers[MAX_PUBLISHERS];
    int ndialers;
    pthread_t thread;
    atomic_int stopping;
};

static void on_pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg) {
    subscriber *s = arg;
    int id = nng_dialer_id(nng_pipe_dialer(p));
    for (int i = 0; i < s->ndialers; i++)
        if (nng_dialer_id(s->dialers[i]) == id) s->o.on_connect(i, s->o.arg);
}

static void *reader_main(void *arg) {
    subscriber *s = arg;
    int ticking = s->o.on_tick && s->o.tick_ms > 0;
    int64_t next_tick = 0;
    while (!atomic_load(&s->stopping)) {
        if (ticking && mono_ms() >= next_tick) {
            s->o.on_tick(s->o.arg);
            next_tick = mono_ms() + s->o.tick_ms;
        }
        /* Wait for a message until the next tick; subscriber_stop cancels the wait. */
        nng_duration wait = NNG_DURATION_INFINITE;
        if (ticking) {
            int64_t left = next_tick - mono_ms();
            wait = left > 0 ? (nng_duration)left : NNG_DURATION_ZERO;
        }
        nng_aio_set_timeout(s->aio, wait);
        nng_recv_aio(s->sock, s->aio);
        nng_aio_wait(s->aio);
        int rv = nng_aio_result(s->aio);
        if (rv == NNG_ETIMEDOUT) continue;
        if (rv) break;                              /* stopped (or the socket closed) */
        nng_msg *m = nng_aio_get_msg(s->aio);
        s->o.on_message(nng_msg_body(m), nng_msg_len(m), s->o.arg);
        nng_msg_free(m);
    }
    return NULL;
}

subscriber *subscriber_start(const subscriber_opts *o) {
    subscriber *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->o = *o;
    int rv;
    if ((rv = nng_sub0_open(&s->sock))) {
        LOG_ERROR(NULL, "%s subscriber: %s", o->what, nng_strerror(rv));
        free(s);
        return NULL;
    }
    if ((rv = nng_aio_alloc(&s->aio, NULL, NULL)) ||
        (rv = nng_socket_set(s->sock, NNG_OPT_SUB_SUBSCRIBE, "", 0)) ||
        (rv = nng_socket_set_ms(s->sock, NNG_OPT_RECONNMAXT, 500)) ||
        (o->recv_buffer > 0 && (rv = nng_socket_set_int(s->sock, NNG_OPT_RECVBUF, o->recv_buffer))) ||
        (o->on_connect && (rv = nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_POST, on_pipe_added, s))))
        goto fail;
    /* Create every dialer before starting any, so a connect callback always finds its
     * dialer in the table. Non-blocking start: a publisher may come up later. */
    char url[512];
    for (int i = 0; i < MAX_PUBLISHERS && cfg_list_item(o->urls, i, url, sizeof url) == 0; i++) {
        if ((rv = nng_dialer_create(&s->dialers[i], s->sock, url))) {
            LOG_ERROR(NULL, "%s: dial %s: %s", o->what, url, nng_strerror(rv));
            goto fail_quiet;
        }
        s->ndialers = i + 1;
    }
    if (s->ndialers == 0) {
        LOG_ERROR(NULL, "%s: no publisher URL in '%s'", o->what, o->urls ? o->urls : "");
        goto fail_quiet;
    }
    for (int i = 0; i < s->ndialers; i++)
        if ((rv = nng_dialer_start(s->dialers[i], NNG_FLAG_NONBLOCK))) goto fail;
    if (pthread_create(&s->thread, NULL, reader_main, s)) {
        LOG_ERROR(NULL, "%s: cannot start the reader thread", o->what);
        goto fail_quiet;
    }
    return s;
fail:
    LOG_ERROR(NULL, "%s subscriber: %s", o->what, nng_strerror(rv));
fail_quiet:
    nng_close(s->sock);                            /* no reader thread yet: safe */
    if (s->aio) nng_aio_free(s->aio);
    free(s);
    return NULL;
}

void subscriber_stop(subscriber *s) {
    if (!s) return;
    if (s->o.on_connect) nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_POST, NULL, NULL);
    atomic_store(&s->stopping, 1);
    nng_aio_stop(s->aio);          /* cancels the wait; later receives on it fail at once */
    pthread_join(s->thread, NULL);
    sock_close(s->sock, s->o.what);
    nng_aio_free(s->aio);
    free(s);
}
