/* Subscriber to every item of CHAT_EVENTS_URL (one PUB per svc-chat shard): frames go to
 * this gateway's sockets of the space, close commands close them (and drop the cached
 * membership so a reconnect is checked afresh). */
#include <string.h>
#include "ws.h"
#include "gw.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/mpjson.h"
#include "../common/subscriber.h"

static subscriber *events;

static void handle(const void *buf, size_t len, void *arg) {
    json_t *ev = mp_decode(buf, len);
    int64_t sid;
    if (!ev || arg_int(ev, "space_id", &sid) != 1 || sid <= 0) goto done;
    const json_t *frame = json_object_get(ev, "frame");
    if (json_is_object(frame)) {
        int64_t id = 0;
        arg_int(ev, "id", &id);
        char *text = json_dumps(frame, JSON_COMPACT);
        if (text) ws_loop_space_frame(sid, text, strlen(text), id);
        goto done;
    }
    int64_t code;
    if (arg_int(ev, "close", &code) == 1) {
        const char *uid = json_str_or_null(json_object_get(ev, "user_id"));
        gw_member_cache_invalidate(sid, uid);
        ws_loop_space_close(sid, (int)code, uid);
    }
done:
    json_decref(ev);
}

/* A (re)connected shard: frames it published while we were apart are lost, so every
 * socket of that shard re-announces its presence and resumes from its last message. */
static void on_shard_connected(int shard, void *arg) { ws_loop_reannounce(shard); }

int ws_events_start(void) {
    subscriber_opts o = {.what = "chat events", .urls = cfg_url("CHAT_EVENTS_URL", "chat.events"),
                         .on_message = handle, .on_connect = on_shard_connected,
                         .recv_buffer = 1024};
    return (events = subscriber_start(&o)) ? 0 : -1;
}

void ws_events_stop(void) {
    subscriber_stop(events);
    events = NULL;
}
