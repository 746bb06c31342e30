/* Resume: the messages after the client's last id, then the live frames that arrived
 * meanwhile, skipping any message the socket already carried: nothing lost, nothing
 * doubled. Live frames are held (bounded by WS_MAX_QUEUE) while the replay is fetched. */
#include <stdlib.h>
#include <string.h>
#include "ws_conn.h"

void ws_sent_remember(ws_conn *c, int64_t msg_id) {
    if (msg_id <= 0) return;
    if (msg_id > c->last_msg_id) c->last_msg_id = msg_id;
    c->sent_ids[c->sent_pos] = msg_id;
    c->sent_pos = (c->sent_pos + 1) % SENT_RING;
}

static int was_sent(const ws_conn *c, int64_t msg_id) {
    for (int i = 0; i < SENT_RING; i++)
        if (c->sent_ids[i] == msg_id) return 1;
    return 0;
}

void ws_resume_start(ws_conn *c, int64_t after_id) {
    if (c->resuming) {
        ws_conn_send_owned(c, ws_error_text("正在补发消息", NULL));
        return;
    }
    c->resuming = 1;
    ws_who w = ws_conn_who(c);
    ws_call_since(&w, after_id, ws_cfg.resume_max);
}

void ws_resume_hold(ws_conn *c, const char *text, size_t len, int64_t msg_id) {
    pending *p = malloc(sizeof *p);
    char *copy = p ? malloc(len) : NULL;
    if (!copy) {
        free(p);
        ws_conn_close(c, 1011, "out of memory");
        return;
    }
    memcpy(copy, text, len);
    *p = (pending){NULL, copy, len, msg_id};
    if (c->pend_tail) c->pend_tail->next = p;
    else c->pend_head = p;
    c->pend_tail = p;
    c->pend_bytes += len;
    if (c->pend_bytes > ws_cfg.max_queue) ws_conn_close(c, 1008, "send queue overflow");
}

void ws_resume_drop(ws_conn *c) {
    for (pending *p = c->pend_head, *n; p; p = n) {
        n = p->next;
        free(p->text);
        free(p);
    }
    c->pend_head = c->pend_tail = NULL;
    c->pend_bytes = 0;
}

void ws_resume_finish(ws_conn *c, json_t *msgs) {
    int64_t max_id = 0;
    if (!json_is_array(msgs)) {
        ws_conn_send_owned(c, ws_error_text("补发消息失败，请刷新", NULL));
    } else {
        size_t i;
        json_t *m;
        json_array_foreach(msgs, i, m) {
            int64_t id = json_integer_value(json_object_get(m, "id"));
            if (id > max_id) max_id = id;
            if (was_sent(c, id)) continue;
            ws_conn_send_owned(c, json_dumps(m, JSON_COMPACT));
            ws_sent_remember(c, id);
        }
    }
    c->resuming = 0;
    pending *held = c->pend_head;            /* detached: sending may close the socket */
    c->pend_head = c->pend_tail = NULL;
    c->pend_bytes = 0;
    for (pending *p = held, *n; p; p = n) {
        n = p->next;
        if (!(p->msg_id > 0 && (p->msg_id <= max_id || was_sent(c, p->msg_id)))) {
            ws_conn_send(c, p->text, p->len);
            ws_sent_remember(c, p->msg_id);
        }
        free(p->text);
        free(p);
    }
}
