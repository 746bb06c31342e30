/* Internal to the feed files: loading a post with the caller's role checked. */
#ifndef WH_FEED_POST_H
#define WH_FEED_POST_H
#include "notes.h"
typedef struct feed_post_ref {
    int64_t id, space_id;
    char author[256];
    char role[8];          /* caller's role in the post's space */
} feed_post_ref;
/* Reads args[key] as a post id; 200 with ref filled, or the answer (404 `动态不存在` for
 * missing posts and posts of spaces the caller is not in). */
int feed_load_post(svc_call *c, json_t **out, const char *key, feed_post_ref *ref);
/* A CommentResponse from a row (id, post_id, user_id, content, created_at). */
json_t *feed_comment_from_row(sqlite3_stmt *s);
#endif
