/* One upgraded socket on the loop thread: wslay I/O callbacks, client frames -> actions,
 * queued sends with the per-socket byte limit, closing (with a drain so the close frame
 * is not lost to a TCP reset), server pings and the idle kick. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "ws_conn.h"
#include "../common/args.h"
#include "../common/log.h"
#include "../common/timeutil.h"

ws_who ws_conn_who(const ws_conn *c) {
    ws_who w = {c->id, c->space_id, c->uid, c->role, c->rid};
    return w;
}

/* ---------- wslay callbacks ---------- */
static ssize_t io_result(wslay_event_context_ptr ctx, ssize_t r) {
    if (r > 0) return r;
    wslay_event_set_error(ctx, r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                                   ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static ssize_t recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                       void *user) {
    ws_conn *c = user;
    if (c->extra_off < c->extra_len) {
        size_t n = c->extra_len - c->extra_off;
        if (n > len) n = len;
        memcpy(buf, c->extra + c->extra_off, n);
        c->extra_off += n;
        return (ssize_t)n;
    }
    ssize_t r;
    while ((r = recv(c->fd, buf, len, 0)) < 0 && errno == EINTR) {}
    return io_result(ctx, r);                 /* 0 = peer closed: a failure for wslay */
}

static ssize_t send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user) {
    ws_conn *c = user;
    ssize_t r;
    while ((r = send(c->fd, data, len, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    return io_result(ctx, r);
}

static void on_text(ws_conn *c, const char *data, size_t len) {
    json_t *obj = NULL;
    const char *detail = NULL;
    ws_who w = ws_conn_who(c);
    int64_t n = 0;
    int b = 0;
    switch (ws_frame_parse(data, len, &obj, &detail)) {
    case WS_IN_INVALID: ws_conn_send_owned(c, ws_error_text(detail, obj)); break;
    case WS_IN_PING: ws_conn_send_owned(c, ws_event_ts_text("pong", now_ms())); break;
    case WS_IN_TYPING: arg_bool(obj, "typing", &b); ws_call_typing(&w, b); break;
    case WS_IN_READ: ws_call_read(&w, obj); break;
    case WS_IN_PRESENCE: ws_call_presence(&w, 1); break;
    case WS_IN_RESUME: arg_int(obj, "last_id", &n); ws_resume_start(c, n); break;
    case WS_IN_MESSAGE: ws_call_message(&w, obj); break;
    }
    json_decref(obj);
}

/* Token bucket: WS_RATE_PER_SEC data frames a second, bursts of twice that. */
static int allowed(ws_conn *c) {
    int64_t now = mono_ms();
    c->tokens += (double)(now - c->tokens_at) * ws_cfg.rate / 1000.0;
    if (c->tokens > 2.0 * ws_cfg.rate) c->tokens = 2.0 * ws_cfg.rate;
    c->tokens_at = now;
    if (c->tokens < 1.0) return 0;
    c->tokens -= 1.0;
    return 1;
}

/* Every frame counts as activity (control frames too); data frames are acted on, within
 * the rate limit (over it: an error frame, the frame is not acted on). */
static void on_msg_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                      void *user) {
    ws_conn *c = user;
    c->last_rx = mono_ms();
    if (c->close_deadline) return;
    if (arg->opcode != WSLAY_TEXT_FRAME && arg->opcode != WSLAY_BINARY_FRAME) return;
    if (allowed(c)) {
        on_text(c, (const char *)arg->msg, arg->msg_length);
        return;
    }
    json_t *obj = json_loadb((const char *)arg->msg, arg->msg_length, 0, NULL);
    ws_conn_send_owned(c, ws_error_text("发送过于频繁，请稍后再试", obj));
    json_decref(obj);
}

static const struct wslay_event_callbacks CALLBACKS = {
    .recv_callback = recv_cb, .send_callback = send_cb, .on_msg_recv_callback = on_msg_cb,
};

/* ---------- sending and closing ---------- */
void ws_conn_close(ws_conn *c, int code, const char *reason) {
    if (c->close_deadline) return;
    c->close_deadline = mono_ms() + CLOSE_GRACE_MS;
    wslay_event_queue_close(c->ctx, (uint16_t)code, (const uint8_t *)reason, strlen(reason));
    ws_resume_drop(c);
}

/* Over the byte limit the reader is too slow: 1008, and nothing more is queued. */
void ws_conn_send(ws_conn *c, const char *text, size_t len) {
    if (c->close_deadline) return;
    struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)text, len};
    if (wslay_event_queue_msg(c->ctx, &m) != 0) return;
    if (wslay_event_get_queued_msg_length(c->ctx) > ws_cfg.max_queue)
        ws_conn_close(c, 1008, "send queue overflow");
}

void ws_conn_send_owned(ws_conn *c, char *text) {
    if (text) ws_conn_send(c, text, strlen(text));
    free(text);
}

void ws_conn_destroy(ws_conn *c) {
    LOG_INFO(c->rid, "ws closed: space %lld, sent %u, received %u", (long long)c->space_id,
             wslay_event_get_status_code_sent(c->ctx), wslay_event_get_status_code_received(c->ctx));
    ws_loop_watch(c, EPOLL_CTL_DEL, 0);
    ws_rooms_remove(c->space_id, c);
    ws_who w = ws_conn_who(c);
    ws_call_presence(&w, 0);
    wslay_event_context_free(c->ctx);
    MHD_upgrade_action(c->urh, MHD_UPGRADE_ACTION_CLOSE);
    ws_resume_drop(c);
    ws_table_erase(c);
    free(c->extra);
    free(c);
}

/* We stopped reading (e.g. after 1009) with client bytes possibly unread: closing now
 * would reset the connection and lose our close frame. Half-close and drain instead. */
static void start_drain(ws_conn *c) {
    shutdown(c->fd, SHUT_WR);
    c->draining = 1;
    if (!c->close_deadline) c->close_deadline = mono_ms() + CLOSE_GRACE_MS;
    ws_loop_watch(c, EPOLL_CTL_MOD, 0);
}

int ws_conn_settle(ws_conn *c) {
    if (wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx) != 0) {
        ws_conn_destroy(c);
        return -1;
    }
    if (!c->close_deadline && wslay_event_get_close_sent(c->ctx))
        c->close_deadline = mono_ms() + CLOSE_GRACE_MS;       /* e.g. wslay's own 1009 */
    if (c->draining) return 0;
    if (!wslay_event_want_read(c->ctx) && !wslay_event_want_write(c->ctx)) {
        if (wslay_event_get_close_received(c->ctx)) {
            ws_conn_destroy(c);
            return -1;
        }
        start_drain(c);
        return 0;
    }
    int want_out = wslay_event_want_write(c->ctx);
    if (want_out != c->out_armed && ws_loop_watch(c, EPOLL_CTL_MOD, want_out) == 0)
        c->out_armed = want_out;
    return 0;
}

/* Discards what a closing client still sends; its EOF (or an error) ends the socket. */
static void drain_input(ws_conn *c) {
    char buf[16384];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r > 0 || (r < 0 && errno == EINTR)) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        ws_conn_destroy(c);
        return;
    }
}

void ws_conn_io(ws_conn *c) {
    if (c->draining) { drain_input(c); return; }
    if (wslay_event_recv(c->ctx) != 0) { ws_conn_destroy(c); return; }
    ws_conn_settle(c);
}

void ws_conn_tick(ws_conn *c, int64_t now) {
    if (c->close_deadline) {
        if (now >= c->close_deadline) ws_conn_destroy(c);
        return;
    }
    if (now - c->last_rx >= ws_cfg.idle_ms) {
        ws_conn_close(c, 4408, "idle timeout");
    } else if (now >= c->next_ping) {
        ws_conn_send_owned(c, ws_event_ts_text("server_ping", now_ms()));
        c->next_ping = now + ws_cfg.ping_ms;
    }
    ws_conn_settle(c);
}

/* ---------- a new socket ---------- */
static void refuse(ws_adopt *a) {
    MHD_upgrade_action(a->urh, MHD_UPGRADE_ACTION_CLOSE);
    free(a->extra);
    free(a);
}

void ws_conn_adopt(ws_adopt *a) {
    int over = ws_loop_count() >= ws_cfg.max_connections;
    ws_conn *c = calloc(1, sizeof *c);
    int flags = fcntl(a->fd, F_GETFL);
    if (!c || flags < 0 || fcntl(a->fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        wslay_event_context_server_init(&c->ctx, &CALLBACKS, c) != 0) {
        free(c);
        refuse(a);
        return;
    }
    if (ws_table_insert(c)) {                /* no slot at all: refuse at TCP level */
        wslay_event_context_free(c->ctx);
        free(c);
        refuse(a);
        return;
    }
    wslay_event_config_set_max_recv_msg_length(c->ctx, ws_cfg.max_frame);
    /* The kernel's send buffer counts too: bound it like our own queue (a slow reader then
     * costs at most about 3 x WS_MAX_QUEUE instead of the autotuned megabytes). */
    int sndbuf = ws_cfg.max_queue > (4u << 20) ? (4 << 20) : (int)ws_cfg.max_queue;
    if (setsockopt(a->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf))
        LOG_WARN(a->rid, "ws SO_SNDBUF: %s", strerror(errno));
    c->fd = a->fd;
    c->urh = a->urh;
    c->extra = a->extra;
    c->extra_len = a->extra_len;
    c->space_id = a->space_id;
    memcpy(c->uid, a->uid, sizeof c->uid);
    memcpy(c->role, a->role, sizeof c->role);
    memcpy(c->rid, a->rid, sizeof c->rid);
    c->last_rx = mono_ms();
    c->next_ping = c->last_rx + ws_cfg.ping_ms;
    c->tokens = 2.0 * ws_cfg.rate;
    c->tokens_at = c->last_rx;
    int64_t last_id = a->last_id;
    c->last_msg_id = last_id > 0 ? last_id : 0;
    free(a);
    ws_rooms_add(c->space_id, c);
    if (ws_loop_watch(c, EPOLL_CTL_ADD, 0) != 0) {
        LOG_WARN(c->rid, "ws epoll add: %s", strerror(errno));
        ws_conn_destroy(c);
        return;
    }
    LOG_INFO(c->rid, "ws open: space %lld (%d sockets)", (long long)c->space_id, ws_loop_count());
    if (over) {
        ws_conn_close(c, 1013, "too many connections");
    } else {
        ws_who w = ws_conn_who(c);
        ws_call_presence(&w, 1);
        if (last_id >= 0) ws_resume_start(c, last_id);
    }
    if (c->extra_len && wslay_event_recv(c->ctx) != 0) { ws_conn_destroy(c); return; }
    ws_conn_settle(c);
}
