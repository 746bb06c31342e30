/* WebSocket module of the gateway: /ws/chat/{space_id}. See docs/chat.md.
 *   ws_handshake.c  HTTP upgrade: identity, membership, Sec-WebSocket-Accept
 *   ws_auth.c       token from headers or ?access_token=/?token=, consistency checks
 *   ws_frame.c      client frame classification, server frame builders (pure, unit-tested)
 *   ws_loop.c       epoll thread, socket table, timers (internals in ws_conn.h)
 *   ws_conn.c       one socket: wslay I/O, client frames, sends, limits, closing
 *   ws_resume.c     replay after a last id without loss or doubles
 *   ws_commands.c   work posted to the loop by other threads
 *   ws_rooms.c      space -> sockets registry (loop thread only)
 *   ws_events.c     SUB to svc-chat's CHAT_EVENTS_URL items -> loop
 *   ws_calls.c      RPCs a frame causes (send, read, typing, presence, since) */
#ifndef WH_WS_H
#define WH_WS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

/* ---- limits (env, read once by ws_module_init) ---- */
typedef struct ws_limits {
    int max_connections;    /* WS_MAX_CONNECTIONS, 10000 */
    size_t max_frame;       /* WS_MAX_FRAME bytes, 65536 (bigger -> close 1009) */
    size_t max_queue;       /* WS_MAX_QUEUE bytes, 1 MiB (slow reader -> close 1008) */
    int ping_ms;            /* WS_PING_SECONDS, 60 */
    int idle_ms;            /* WS_IDLE_SECONDS, 180 (no client frame -> close 4408) */
    int resume_max;         /* WS_RESUME_MAX messages replayed on resume, 100 */
    int alive_ms;           /* WS_PRESENCE_ALIVE_MS presence heartbeat to svc-chat, 10000 */
    int rate;               /* WS_RATE_PER_SEC data frames per socket, 30 (burst 2x) */
} ws_limits;
extern ws_limits ws_cfg;

/* ---- ws_handshake.c ---- */
void ws_handshake_register(void);
void ws_handshake_drain(int timeout_ms);      /* wait for suspended handshakes (shutdown) */

/* ---- ws_auth.c ---- */
/* Verified user of the handshake: returns 200 and a malloc'd *uid, or 401/403 with a
 * static Chinese *detail. */
int ws_identity(struct MHD_Connection *conn, char **uid, const char **detail);

/* ---- ws_frame.c ---- */
typedef enum {
    WS_IN_INVALID, WS_IN_MESSAGE, WS_IN_PING, WS_IN_TYPING, WS_IN_READ, WS_IN_PRESENCE,
    WS_IN_RESUME
} ws_in_kind;
/* Parses a client text frame. Returns the kind; *obj = the parsed object (new ref, also
 * for INVALID when the frame was an object, so its client_id can be echoed), *detail =
 * the reason when INVALID. */
ws_in_kind ws_frame_parse(const char *data, size_t len, json_t **obj, const char **detail);
/* {"event":"error","detail":detail,"client_id":client_id|null} as compact text (malloc). */
char *ws_error_text(const char *detail, const json_t *obj);
/* {"event":"pong","ts":ms} / {"event":"server_ping","ts":ms} (malloc). */
char *ws_event_ts_text(const char *event, int64_t ts);
/* Sec-WebSocket-Accept for a client key; out >= 29 bytes. 0 ok, -1 bad key. */
int ws_accept_key(const char *key, char *out, size_t n);
/* "/ws/chat/123" or "/ws/chat/123/" -> 123; -1 otherwise. */
int64_t ws_path_space(const char *url);

/* ---- ws_loop.c ---- */
typedef struct ws_adopt {
    int fd;
    struct MHD_UpgradeResponseHandle *urh;
    char *extra;              /* bytes MHD read past the request head */
    size_t extra_len;
    int64_t space_id;
    int64_t last_id;          /* -1: no resume requested */
    char uid[128];
    char role[8];
    char rid[48];
} ws_adopt;
int ws_loop_start(void);
void ws_loop_stop(void);
int ws_loop_count(void);                       /* open sockets (approximate) */
void ws_loop_adopt(ws_adopt *a);               /* takes ownership; any thread */
/* Commands from other threads (all take ownership of text / msgs): */
void ws_loop_space_frame(int64_t space_id, char *text, size_t len, int64_t msg_id);
void ws_loop_space_close(int64_t space_id, int code, const char *uid /* NULL = all */);
void ws_loop_unicast(uint64_t conn_id, char *text);
void ws_loop_resumed(uint64_t conn_id, json_t *msgs /* array or NULL on failure */);
void ws_loop_reannounce(int chat_shard);      /* presence of every socket on that shard */

/* ---- ws_calls.c (called on the loop thread; replies come back via ws_loop_*) ---- */
typedef struct ws_who {
    uint64_t conn_id;
    int64_t space_id;
    const char *uid, *role, *rid;
} ws_who;
void ws_call_message(const ws_who *w, json_t *frame /* borrowed */);
void ws_call_typing(const ws_who *w, int typing);
void ws_call_read(const ws_who *w, const json_t *frame);
void ws_call_presence(const ws_who *w, int online);
void ws_call_since(const ws_who *w, int64_t after_id, int limit);
void ws_call_alive(void);                      /* presence heartbeat to every chat shard */

/* ---- ws_events.c ---- */
int ws_events_start(void);
void ws_events_stop(void);

/* ---- ws_rooms.c (loop thread only) ---- */
struct ws_conn;
void ws_rooms_add(int64_t space_id, struct ws_conn *c);
void ws_rooms_remove(int64_t space_id, struct ws_conn *c);
/* Calls fn for every socket of the space (fn may remove the current socket). */
void ws_rooms_each(int64_t space_id, void (*fn)(struct ws_conn *c, void *arg), void *arg);
#endif
