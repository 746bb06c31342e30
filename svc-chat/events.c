/* PUB socket of chat events (CHAT_EVENTS_URL; a shard binds its own item of the list).
 * Every gateway subscribes to all items and pushes frames to its sockets of the space.
 * Messages (msgpack maps):
 *   {space_id, frame: {...}, id?: message id}   push frame to the space's sockets
 *   {space_id, close: code, user_id?: uid}      close the space's (or the user's) sockets */
#include "chat.h"
#include "../common/bus.h"
#include "../common/config.h"
#include "../common/ids.h"
#include "../common/log.h"

static bus_pub *pub;

int chat_events_open(void) {
    char url[512];
    const char *list = cfg_url("CHAT_EVENTS_URL", "chat.events");
    if (cfg_list_item(list, shard_index(), url, sizeof url)) {
        LOG_ERROR(NULL, "no CHAT_EVENTS_URL entry for shard %d", shard_index());
        return -1;
    }
    if (!(pub = bus_pub_open(url))) return -1;
    LOG_INFO(NULL, "chat events on %s", url);
    return 0;
}

void chat_events_close_socket(void) {
    bus_pub_close(pub);
    pub = NULL;
}

static void publish(json_t *ev) {
    if (ev && pub) bus_publish(pub, ev);
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
