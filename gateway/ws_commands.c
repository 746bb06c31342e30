/* Work other threads hand to the loop (MHD upgrade callback, chat-event subscriber, RPC
 * callbacks): a locked queue, drained by the loop thread when the eventfd wakes it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ws_conn.h"
#include "gw.h"

typedef enum { CMD_ADOPT, CMD_FRAME, CMD_CLOSE, CMD_UNICAST, CMD_RESUMED, CMD_REANNOUNCE } cmd_type;
typedef struct cmd {
    struct cmd *next;
    cmd_type type;
    uint64_t conn_id;
    int64_t space_id, msg_id;
    char *text;
    size_t len;
    int code;                  /* close code, or chat shard for REANNOUNCE */
    char uid[128];
    json_t *msgs;
    ws_adopt *adopt;
} cmd;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cmd *head, *tail;

static void post(cmd *c) {
    c->next = NULL;
    pthread_mutex_lock(&lock);
    if (tail) tail->next = c;
    else head = c;
    tail = c;
    pthread_mutex_unlock(&lock);
    ws_loop_wake();
}

static cmd *new_cmd(cmd_type t) {
    cmd *c = calloc(1, sizeof *c);
    if (c) c->type = t;
    return c;
}

static void free_cmd(cmd *c) {
    free(c->text);
    json_decref(c->msgs);
    if (c->adopt) {
        MHD_upgrade_action(c->adopt->urh, MHD_UPGRADE_ACTION_CLOSE);
        free(c->adopt->extra);
        free(c->adopt);
    }
    free(c);
}

/* ---------- producers (any thread) ---------- */
void ws_loop_adopt(ws_adopt *a) {
    cmd *c = new_cmd(CMD_ADOPT);
    if (!c) {
        MHD_upgrade_action(a->urh, MHD_UPGRADE_ACTION_CLOSE);
        free(a->extra);
        free(a);
        return;
    }
    c->adopt = a;
    post(c);
}

void ws_loop_space_frame(int64_t space_id, char *text, size_t len, int64_t msg_id) {
    cmd *c = new_cmd(CMD_FRAME);
    if (!c) { free(text); return; }
    c->space_id = space_id;
    c->text = text;
    c->len = len;
    c->msg_id = msg_id;
    post(c);
}

void ws_loop_space_close(int64_t space_id, int code, const char *uid) {
    cmd *c = new_cmd(CMD_CLOSE);
    if (!c) return;
    c->space_id = space_id;
    c->code = code;
    if (uid) snprintf(c->uid, sizeof c->uid, "%s", uid);
    post(c);
}

void ws_loop_unicast(uint64_t conn_id, char *text) {
    cmd *c = text ? new_cmd(CMD_UNICAST) : NULL;
    if (!c) { free(text); return; }
    c->conn_id = conn_id;
    c->text = text;
    c->len = strlen(text);
    post(c);
}

void ws_loop_resumed(uint64_t conn_id, json_t *msgs) {
    cmd *c = new_cmd(CMD_RESUMED);
    if (!c) { json_decref(msgs); return; }
    c->conn_id = conn_id;
    c->msgs = msgs;
    post(c);
}

void ws_loop_reannounce(int chat_shard) {
    cmd *c = new_cmd(CMD_REANNOUNCE);
    if (!c) return;
    c->code = chat_shard;
    post(c);
}

/* ---------- the loop side ---------- */
static void deliver(ws_conn *c, void *arg) {
    cmd *k = arg;
    if (c->close_deadline) return;
    if (c->resuming) {
        ws_resume_hold(c, k->text, k->len, k->msg_id);
    } else {
        ws_conn_send(c, k->text, k->len);
        ws_sent_remember(c, k->msg_id);
    }
    ws_conn_settle(c);
}

static void close_one(ws_conn *c, void *arg) {
    cmd *k = arg;
    if (k->uid[0] && strcmp(k->uid, c->uid)) return;
    ws_conn_close(c, k->code, k->code == 4404 ? "space deleted" : "member removed");
    ws_conn_settle(c);
}

/* A chat shard forgot us or we (re)connected to its events: announce, and catch up. */
static void reannounce_one(ws_conn *c, void *arg) {
    int shard = *(int *)arg;
    rpc_client *chat = gw_client(SVC_CHAT);
    if (c->close_deadline || rpc_shard_for_space(chat, c->space_id) != shard) return;
    ws_who w = ws_conn_who(c);
    ws_call_presence(&w, 1);
    if (c->last_msg_id > 0 && !c->resuming) ws_resume_start(c, c->last_msg_id);
    ws_conn_settle(c);
}

static void run(cmd *k) {
    ws_conn *c;
    switch (k->type) {
    case CMD_ADOPT: ws_conn_adopt(k->adopt); k->adopt = NULL; break;
    case CMD_FRAME: ws_rooms_each(k->space_id, deliver, k); break;
    case CMD_CLOSE: ws_rooms_each(k->space_id, close_one, k); break;
    case CMD_UNICAST:
        if ((c = ws_table_get(k->conn_id))) { ws_conn_send(c, k->text, k->len); ws_conn_settle(c); }
        break;
    case CMD_RESUMED:
        if ((c = ws_table_get(k->conn_id))) { ws_resume_finish(c, k->msgs); ws_conn_settle(c); }
        break;
    case CMD_REANNOUNCE: ws_table_each(reannounce_one, &k->code); break;
    }
    free_cmd(k);
}

static cmd *take_all(void) {
    pthread_mutex_lock(&lock);
    cmd *k = head;
    head = tail = NULL;
    pthread_mutex_unlock(&lock);
    return k;
}

void ws_commands_run(void) {
    for (cmd *k = take_all(), *n; k; k = n) {
        n = k->next;
        run(k);
    }
}

void ws_commands_discard(void) {
    for (cmd *k = take_all(), *n; k; k = n) {
        n = k->next;
        free_cmd(k);
    }
}
