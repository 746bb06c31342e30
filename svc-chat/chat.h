/* svc-chat internals: messages, read marks, presence, and the chat event PUB socket the
 * gateways subscribe to. See docs/chat.md for the protocol. */
#ifndef WH_CHAT_H
#define WH_CHAT_H
#include <jansson.h>
#include <stdint.h>
#include "../common/rpc.h"

/* Limits (documented in docs/chat.md). */
#define CHAT_CONTENT_MAX      5000   /* code points */
#define CHAT_URL_MAX          1024   /* bytes */
#define CHAT_CLIENT_ID_MAX    64     /* bytes */
#define CHAT_REPLY_PREVIEW_MAX 200   /* code points kept of reply_to_content */
#define CHAT_SYSTEM_MAX       30     /* code points of a "想你" system message */
#define CHAT_SINCE_MAX        200    /* messages returned by one chat.since call */

extern const char *const chat_migrations[];

/* ---- message_input.c: validation of a message sent over HTTP or WebSocket ---- */
typedef struct chat_msg_in {
    char type[8];              /* text image video audio live system */
    char *content;             /* malloc'd (trimmed for text/system) */
    char *media_url;           /* malloc'd or NULL (live: JSON {"cover_url","video_url"}) */
    int has_duration;
    int64_t duration_ms;
    const char *client_id;     /* borrowed from args, NULL if none */
    int has_reply;
    int64_t reply_to_id;
    char *reply_to_content;    /* malloc'd or NULL (preview, truncated) */
} chat_msg_in;
/* 0 ok; else a 4xx status with *err set to a Chinese message. m is always freeable. */
int chat_msg_parse(const json_t *args, chat_msg_in *m, const char **err);
void chat_msg_free(chat_msg_in *m);

/* ---- message_shape.c: stored row -> the frame the client reads ---- */
#define CHAT_MSG_COLUMNS "id, space_id, user_id, content, message_type, media_url, " \
    "media_duration, client_id, reply_to_id, reply_to_user_id, reply_to_content, " \
    "reply_to_type, created_at"
/* Row selected with CHAT_MSG_COLUMNS -> new object (alias fields null until profiled). */
json_t *chat_msg_from_row(sqlite3_stmt *s);
/* Live media: media_url JSON -> media_url = cover, live_cover_url, live_video_url. */
void chat_msg_split_live(json_t *msg);
/* Resolve alias/avatar_url and reply_to_alias/reply_to_avatar_url for every message of an
 * array (or a single object). Failure to reach svc-space leaves nulls. */
void chat_msgs_profile(const svc_call *c, int64_t space_id, json_t *msgs);
/* Load one message by id (any space, deleted excluded). New ref or NULL. */
json_t *chat_msg_load(db_conn *db, int64_t id, int include_deleted);

/* ---- events.c: PUB of frames and close commands to every gateway ---- */
int chat_events_open(void);
void chat_events_close_socket(void);
/* {space_id, frame, id?}: gateways push frame to their sockets of space_id. */
void chat_events_frame(int64_t space_id, const json_t *frame, int64_t msg_id);
/* {space_id, close: code, user_id?}: gateways close sockets (all, or the user's). */
void chat_events_close(int64_t space_id, int code, const char *uid);

/* ---- presence.c ---- */
void chat_presence_forget_space(int64_t space_id);
void chat_presence_forget_user(int64_t space_id, const char *uid);

/* ---- handlers ---- */
int chat_history(svc_call *c, json_t **out);
int chat_since(svc_call *c, json_t **out);
int chat_send(svc_call *c, json_t **out);
int chat_read(svc_call *c, json_t **out);
int chat_readers(svc_call *c, json_t **out);
int chat_unread_count(svc_call *c, json_t **out);
int chat_delete(svc_call *c, json_t **out);
int chat_presence(svc_call *c, json_t **out);
int chat_typing(svc_call *c, json_t **out);
int chat_presence_alive(svc_call *c, json_t **out);

/* ---- purge.c: space bus ---- */
int chat_bus_apply(db_conn *db, const json_t *event, void *arg);
void chat_bus_after(const json_t *event, void *arg);

/* ---- common checks (handlers.c) ---- */
/* space_id argument of a MEMBER call: 0 ok, else status with *out set. */
int chat_space_arg(svc_call *c, int64_t *space_id, json_t **out);
#endif
