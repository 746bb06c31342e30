/* What a client frame asks of svc-chat, as async RPCs on the space's shard. A failed call
 * comes back to the socket as an error frame (with the message's client_id), never as
 * silence. Successful sends, reads and typing come back through svc-chat's events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "ws.h"
#include "gw.h"
#include "../common/args.h"

typedef enum { K_SEND, K_OTHER, K_QUIET, K_SINCE, K_ALIVE } reply_kind;
typedef struct reply_ctx {
    uint64_t conn_id;
    reply_kind kind;
    int shard;
    char *client_id;
} reply_ctx;

/* This gateway process, as svc-chat knows it (presence keys are "<instance>-<socket>"). */
static const char *instance(void) {
    static char id[17];
    if (!id[0]) {
        uint64_t r = 0;
        if (getrandom(&r, sizeof r, 0) != sizeof r) r = (uint64_t)getpid() * 2654435761u;
        snprintf(id, sizeof id, "%016llx", (unsigned long long)r);
    }
    return id;
}

static void on_reply(void *arg, int status, json_t *body) {
    reply_ctx *r = arg;
    if (r->kind == K_ALIVE) {
        if (status == 200 && json_is_false(json_object_get(body, "known")))
            ws_loop_reannounce(r->shard);
    } else if (r->kind == K_SINCE) {
        json_t *msgs = json_object_get(body, "messages");
        ws_loop_resumed(r->conn_id, status == 200 && json_is_array(msgs) ? json_incref(msgs) : NULL);
    } else if (status != 200 && r->kind != K_QUIET) {
        const char *detail = json_str_or_null(json_object_get(body, "detail"));
        json_t *o = r->client_id ? json_pack("{s:s}", "client_id", r->client_id) : NULL;
        ws_loop_unicast(r->conn_id, ws_error_text(detail && status < 500 ? detail : "服务暂不可用，请重试", o));
        json_decref(o);
    }
    json_decref(body);
    free(r->client_id);
    free(r);
}

/* args stolen; space_id is set here. */
static void call(const ws_who *w, const char *method, json_t *args, reply_kind kind,
                 const char *client_id) {
    reply_ctx *r = calloc(1, sizeof *r);
    if (!args || !r) goto fail;
    r->conn_id = w->conn_id;
    r->kind = kind;
    if (client_id && !(r->client_id = strdup(client_id))) goto fail;
    json_object_set_new(args, "space_id", json_integer(w->space_id));
    rpc_meta meta = {.rid = w->rid, .uid = w->uid, .role = w->role[0] ? w->role : NULL};
    rpc_client *chat = gw_client(SVC_CHAT);
    if (rpc_call_async(chat, rpc_shard_for_space(chat, w->space_id), method, &meta, args,
                       gw_rpc_timeout_ms(), on_reply, r) == 0) {
        json_decref(args);
        return;
    }
fail:
    json_decref(args);
    if (r) on_reply(r, 503, NULL);
    else if (kind == K_SINCE) ws_loop_resumed(w->conn_id, NULL);
}

void ws_call_message(const ws_who *w, json_t *frame) {
    json_t *args = json_copy(frame);
    if (args) {
        json_object_del(args, "event");
        json_object_del(args, "user_id");          /* the socket's user, not the frame's */
        json_object_set_new(args, "from_ws", json_true());
    }
    call(w, "chat.send", args, K_SEND, json_str_or_null(json_object_get(frame, "client_id")));
}

void ws_call_typing(const ws_who *w, int typing) {
    call(w, "chat.typing", json_pack("{s:b}", "typing", typing), K_OTHER, NULL);
}

void ws_call_read(const ws_who *w, const json_t *frame) {
    call(w, "chat.read", json_pack("{s:O}", "last_read_message_id",
                                   json_object_get(frame, "last_read_message_id")), K_OTHER, NULL);
}

/* Presence key of a socket: this gateway process + socket id, unique across gateways. */
void ws_call_presence(const ws_who *w, int online) {
    char conn[64];
    snprintf(conn, sizeof conn, "%s-%llx", instance(), (unsigned long long)w->conn_id);
    call(w, "chat.presence", json_pack("{s:s,s:b}", "conn", conn, "online", online),
         online ? K_OTHER : K_QUIET, NULL);
}

void ws_call_since(const ws_who *w, int64_t after_id, int limit) {
    call(w, "chat.since", json_pack("{s:I,s:i}", "after_id", (json_int_t)after_id, "limit", limit),
         K_SINCE, NULL);
}

/* Heartbeat to every chat shard; a shard that does not know us gets our sockets again. */
void ws_call_alive(void) {
    rpc_client *chat = gw_client(SVC_CHAT);
    rpc_meta meta = {.rid = "ws-alive"};
    for (int shard = 0; shard < rpc_client_shards(chat); shard++) {
        reply_ctx *r = calloc(1, sizeof *r);
        json_t *args = json_pack("{s:s}", "gw", instance());
        if (r && args) {
            r->kind = K_ALIVE;
            r->shard = shard;
            if (rpc_call_async(chat, shard, "chat.presence_alive", &meta, args,
                               gw_rpc_timeout_ms(), on_reply, r) == 0)
                r = NULL;
        }
        free(r);
        json_decref(args);
    }
}
