/* Subscriber to every item of CHAT_EVENTS_URL (one PUB per svc-chat shard): frames go to
 * this gateway's sockets of the space, close commands close them (and drop the cached
 * membership so a reconnect is checked afresh). */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include "ws.h"
#include "gw.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/mpjson.h"

#define MAX_SHARDS 64

static nng_socket sub;
static nng_dialer dialers[MAX_SHARDS];
static int ndialers;
static pthread_t thread;
static atomic_int stopping;
static int started;

static void handle(const json_t *ev) {
    int64_t sid;
    if (arg_int(ev, "space_id", &sid) != 1 || sid <= 0) return;
    const json_t *frame = json_object_get(ev, "frame");
    if (json_is_object(frame)) {
        int64_t id = 0;
        arg_int(ev, "id", &id);
        char *text = json_dumps(frame, JSON_COMPACT);
        if (text) ws_loop_space_frame(sid, text, strlen(text), id);
        return;
    }
    int64_t code;
    if (arg_int(ev, "close", &code) == 1) {
        const char *uid = json_str_or_null(json_object_get(ev, "user_id"));
        gw_member_cache_invalidate(sid, uid);
        ws_loop_space_close(sid, (int)code, uid);
    }
}

/* A (re)connected shard: frames it published while we were apart are lost, so every
 * socket of that shard re-announces its presence and resumes from its last message. */
static void on_pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg) {
    nng_dialer d = nng_pipe_dialer(p);
    for (int i = 0; i < ndialers; i++)
        if (nng_dialer_id(dialers[i]) == nng_dialer_id(d)) ws_loop_reannounce(i);
}

static void *sub_main(void *arg) {
    while (!atomic_load(&stopping)) {
        void *buf = NULL;
        size_t len = 0;
        int rv = nng_recv(sub, &buf, &len, NNG_FLAG_ALLOC);
        if (rv == NNG_ECLOSED) break;
        if (rv) continue;
        json_t *ev = mp_decode(buf, len);
        nng_free(buf, len);
        if (ev) handle(ev);
        json_decref(ev);
    }
    return NULL;
}

int ws_events_start(void) {
    const char *list = cfg_url("CHAT_EVENTS_URL", "chat.events");
    int rv;
    if ((rv = nng_sub0_open(&sub)) || (rv = nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, "", 0)) ||
        (rv = nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, 200)) ||   /* stop latency */
        (rv = nng_socket_set_ms(sub, NNG_OPT_RECONNMAXT, 500)) ||
        (rv = nng_socket_set_int(sub, NNG_OPT_RECVBUF, 1024)) ||
        (rv = nng_pipe_notify(sub, NNG_PIPE_EV_ADD_POST, on_pipe_added, NULL))) {
        LOG_ERROR(NULL, "chat events subscriber: %s", nng_strerror(rv));
        return -1;
    }
    char url[512];
    for (int i = 0; i < MAX_SHARDS && cfg_list_item(list, i, url, sizeof url) == 0; i++) {
        if ((rv = nng_dial(sub, url, &dialers[i], NNG_FLAG_NONBLOCK)))
            LOG_ERROR(NULL, "dial %s: %s", url, nng_strerror(rv));
        ndialers = i + 1;
    }
    if (pthread_create(&thread, NULL, sub_main, NULL)) {
        nng_close(sub);
        return -1;
    }
    started = 1;
    return 0;
}

void ws_events_stop(void) {
    if (!started) return;
    /* Unhook the pipe callback and let the reader leave on its own (receive timeout)
     * before closing: closing under them occasionally hung nng_close at shutdown. */
    nng_pipe_notify(sub, NNG_PIPE_EV_ADD_POST, NULL, NULL);
    atomic_store(&stopping, 1);
    pthread_join(thread, NULL);
    nng_close(sub);
    started = 0;
}
