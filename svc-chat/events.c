/* PUB socket of chat events (CHAT_EVENTS_URL; a shard binds its own item of the list).
 * Every gateway subscribes to all items and pushes frames to its sockets of the space.
 * Messages (msgpack maps):
 *   {space_id, frame: {...}, id?: message id}   push frame to the space's sockets
 *   {space_id, close: code, user_id?: uid}      close the space's (or the user's) sockets */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include "chat.h"
#include "../common/config.h"
#include "../common/ids.h"
#include "../common/log.h"
#include "../common/mpjson.h"
#include "../common/sockclose.h"

static nng_socket pub;
static int pub_ready;

int chat_events_open(void) {
    char url[512];
    const char *list = cfg_url("CHAT_EVENTS_URL", "chat.events");
    if (cfg_list_item(list, shard_index(), url, sizeof url)) {
        LOG_ERROR(NULL, "no CHAT_EVENTS_URL entry for shard %d", shard_index());
        return -1;
    }
    int rv;
    if ((rv = nng_pub0_open(&pub)) || (rv = nng_listen(pub, url, NULL, 0))) {
        LOG_ERROR(NULL, "chat events %s: %s", url, nng_strerror(rv));
        if (rv) nng_close(pub);
        return -1;
    }
    pub_ready = 1;
    LOG_INFO(NULL, "chat events on %s", url);
    return 0;
}

void chat_events_close_socket(void) {
    if (pub_ready) sock_close(pub, "chat events");
    pub_ready = 0;
}

static void publish(json_t *ev) {
    msgpack_sbuffer sb;
    if (!ev || !pub_ready) { json_decref(ev); return; }
    if (mp_encode(ev, &sb) == 0) {
        int rv = nng_send(pub, sb.data, sb.size, 0);
        if (rv) LOG_WARN(NULL, "chat event not published: %s", nng_strerror(rv));
        msgpack_sbuffer_destroy(&sb);
    }
    json_decref(ev);
}

void chat_events_frame(int64_t space_id, const json_t *frame, int64_t msg_id) {
    json_t *ev = json_pack("{s:I,s:O}", "space_id", (json_int_t)space_id, "frame", frame);
    if (ev && msg_id > 0) json_object_set_new(ev, "id", json_integer(msg_id));
    publish(ev);
}

void chat_events_close(int64_t space_id, int code, const char *uid) {
    json_t *ev = json_pack("{s:I,s:i}", "space_id", (json_int_t)space_id, "close", code);
    if (ev && uid) json_object_set_new(ev, "user_id", json_string(uid));
    publish(ev);
}
