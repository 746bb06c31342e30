/* svc-notes: the shared notebook (notes.*) and the feed (feed.*). */
#ifndef WH_NOTES_H
#define WH_NOTES_H
#include "../common/rpc.h"

extern const char *const notes_migrations[];

/* notebook */
int notes_list(svc_call *c, json_t **out);
int notes_get(svc_call *c, json_t **out);
int notes_create(svc_call *c, json_t **out);
int notes_update(svc_call *c, json_t **out);
int notes_delete(svc_call *c, json_t **out);
/* feed */
int notes_feed_create(svc_call *c, json_t **out);
int notes_feed_list(svc_call *c, json_t **out);
int notes_feed_delete(svc_call *c, json_t **out);
int notes_feed_comment(svc_call *c, json_t **out);
int notes_feed_comments(svc_call *c, json_t **out);
int notes_feed_comment_delete(svc_call *c, json_t **out);
int notes_feed_like(svc_call *c, json_t **out);
int notes_feed_activity(svc_call *c, json_t **out);
int notes_feed_unread_count(svc_call *c, json_t **out);
/* bus */
int notes_on_bus_event(db_conn *db, const json_t *event, void *arg);

/* ---- shared helpers (notes_util.c) ---- */
int notes_db_fail(svc_call *c, json_t **out, const char *what);   /* 500, logged */
/* Adds created_at (ISO UTC) and created_at_ts (ms) from epoch ms to obj under prefix key. */
void notes_set_time(json_t *obj, const char *key, int64_t ms, int with_ts);
/* Fills alias/avatar_url of every object in the array `items` from svc-space profiles in
 * one RPC; objects' "user_id" names the user. */
void notes_apply_profiles(svc_call *c, int64_t space_id, json_t *items);
/* Caller's role in space_id (gateway's if it checked that space). 200/404/5xx. */
int notes_role(svc_call *c, int64_t space_id, char role[8]);
/* Trimmed copy of s (malloc'd) and its length in code points; NULL on invalid UTF-8. */
char *notes_trim(const char *s, long *chars);
/* Parse stored media_urls JSON text into a new array (empty array on bad data). */
json_t *notes_media_array(const char *text);
/* Validated post media: sets *urls (new ref) or returns the 400 detail. */
const char *notes_validate_media(const char *media_type, const json_t *given, json_t **urls);
#endif
