/* Internals of the socket loop, shared by ws_loop.c (thread, epoll, socket table),
 * ws_conn.c (one socket: wslay, frames in and out, closing), ws_resume.c (replay without
 * loss or doubles) and ws_commands.c (work posted by other threads). Loop thread only. */
#ifndef WH_WS_CONN_H
#define WH_WS_CONN_H
#include <wslay/wslay.h>
#include "ws.h"

#define SENT_RING 64            /* live message ids remembered per socket */
#define CLOSE_GRACE_MS 2000     /* a close handshake the peer does not finish is cut */

typedef struct pending {        /* a frame held while the socket resumes */
    struct pending *next;
    char *text;
    size_t len;
    int64_t msg_id;
} pending;

typedef struct ws_conn {
    uint64_t id;                /* generation << 32 | table slot */
    int fd;
    struct MHD_UpgradeResponseHandle *urh;
    wslay_event_context_ptr ctx;
    int64_t space_id;
    char uid[128], role[8], rid[48];
    char *extra;                /* bytes MHD read past the request head */
    size_t extra_len, extra_off;
    int64_t last_rx, next_ping, close_deadline;   /* monotonic ms; deadline 0: open */
    int out_armed;              /* EPOLLOUT registered */
    int draining;               /* close sent, reads discarded until EOF */
    int resuming;
    pending *pend_head, *pend_tail;
    size_t pend_bytes;
    int64_t sent_ids[SENT_RING];
    int sent_pos;
    int64_t last_msg_id;        /* newest message id the socket got */
    double tokens;              /* rate limit bucket (data frames) */
    int64_t tokens_at;          /* monotonic ms of the last refill */
} ws_conn;

/* ---- ws_loop.c ---- */
ws_conn *ws_table_get(uint64_t id);
int ws_table_insert(ws_conn *c);              /* sets c->id; -1 when full */
void ws_table_erase(ws_conn *c);
void ws_table_each(void (*fn)(ws_conn *c, void *arg), void *arg);
int ws_loop_watch(ws_conn *c, int op, int want_out);   /* EPOLL_CTL_ADD / MOD / DEL */
void ws_loop_wake(void);                      /* any thread */

/* ---- ws_conn.c ---- */
void ws_conn_adopt(ws_adopt *a);
void ws_conn_io(ws_conn *c);                  /* socket readable/writable */
int ws_conn_settle(ws_conn *c);               /* flush, finish closes; -1 = destroyed */
void ws_conn_destroy(ws_conn *c);
void ws_conn_close(ws_conn *c, int code, const char *reason);
void ws_conn_send(ws_conn *c, const char *text, size_t len);   /* copied */
void ws_conn_send_owned(ws_conn *c, char *text);               /* freed */
void ws_conn_tick(ws_conn *c, int64_t now);   /* ping, idle, close deadline */
ws_who ws_conn_who(const ws_conn *c);

/* ---- ws_resume.c ---- */
void ws_sent_remember(ws_conn *c, int64_t msg_id);
void ws_resume_start(ws_conn *c, int64_t after_id);
void ws_resume_hold(ws_conn *c, const char *text, size_t len, int64_t msg_id);
void ws_resume_finish(ws_conn *c, json_t *msgs /* NULL: the replay failed */);
void ws_resume_drop(ws_conn *c);              /* frees held frames */

/* ---- ws_commands.c ---- */
void ws_commands_run(void);                   /* runs everything posted so far */
void ws_commands_discard(void);               /* at shutdown */
#endif
