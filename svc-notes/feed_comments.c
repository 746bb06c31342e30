/* Comments on feed posts: add, list, delete. */
#include <stdlib.h>
#include <string.h>
#include "feed_post.h"
#include "../common/args.h"
#include "../common/ids.h"
#include "../common/timeutil.h"

#define MAX_COMMENT_CHARS 1000

int notes_feed_comment(svc_call *c, json_t **out) {
    feed_post_ref ref;
    int st = feed_load_post(c, out, "post_id", &ref);
    if (st != 200) return st;
    const char *content = NULL;
    if (arg_str(c->args, "content", &content) != 1) return rpc_fail(out, 400, "评论内容不能为空");
    long chars = 0;
    char *text = notes_trim(content, &chars);
    if (!text) return rpc_fail(out, 400, "评论内容格式无效");
    if (!chars) { free(text); return rpc_fail(out, 400, "评论内容不能为空"); }
    if (chars > MAX_COMMENT_CHARS) { free(text); return rpc_fail(out, 400, "评论内容过长"); }
    int64_t now = now_ms(), id = -1;
    sqlite3_stmt *s = NULL;
    if (db_begin(c->db) == SQLITE_OK && (id = id_next(c->db, "comments")) > 0)
        s = db_stmt(c->db, "INSERT INTO comments(id, post_id, space_id, user_id, content, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    int rc = SQLITE_ERROR;
    if (s) {
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, ref.id);
        db_bind_int(s, 3, ref.space_id);
        db_bind_text(s, 4, c->meta.uid);
        db_bind_text(s, 5, text);
        db_bind_int(s, 6, now);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
    }
    if (rc != SQLITE_DONE || db_commit(c->db) != SQLITE_OK) { free(text); return notes_db_fail(c, out, "comment insert"); }
    json_t *cm = json_pack("{s:I,s:I,s:s,s:n,s:n,s:s}", "id", (json_int_t)id, "post_id",
                           (json_int_t)ref.id, "user_id", c->meta.uid, "alias", "avatar_url",
                           "content", text);
    free(text);
    notes_set_time(cm, "created_at", now, 1);
    json_t *one = json_array();
    json_array_append(one, cm);
    notes_apply_profiles(c, ref.space_id, one);
    json_decref(one);
    return rpc_ok(out, cm);
}

int notes_feed_comments(svc_call *c, json_t **out) {
    feed_post_ref ref;
    int st = feed_load_post(c, out, "post_id", &ref);
    if (st != 200) return st;
    sqlite3_stmt *s = db_stmt(c->db, "SELECT id, post_id, user_id, content, created_at FROM comments"
                                     " WHERE post_id = ?1 ORDER BY id");
    if (!s) return notes_db_fail(c, out, "comments list");
    db_bind_int(s, 1, ref.id);
    json_t *list = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(list, feed_comment_from_row(s));
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) { json_decref(list); return notes_db_fail(c, out, "comments step"); }
    notes_apply_profiles(c, ref.space_id, list);
    return rpc_ok(out, json_pack("{s:o}", "comments", list));
}

int notes_feed_comment_delete(svc_call *c, json_t **out) {
    int64_t id;
    if (arg_int(c->args, "comment_id", &id) != 1) return rpc_fail(out, 404, "评论不存在");
    sqlite3_stmt *s = db_stmt(c->db, "SELECT space_id, user_id FROM comments WHERE id = ?1");
    if (!s) return notes_db_fail(c, out, "comment lookup");
    db_bind_int(s, 1, id);
    int rc = sqlite3_step(s);
    int64_t space_id = 0;
    char author[256] = "";
    if (rc == SQLITE_ROW) {
        space_id = sqlite3_column_int64(s, 0);
        snprintf(author, sizeof author, "%s", db_col_text(s, 1));
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return rpc_fail(out, 404, "评论不存在");
    if (rc != SQLITE_ROW) return notes_db_fail(c, out, "comment lookup step");
    char role[8];
    int st = notes_role(c, space_id, role);
    if (st == 404) return rpc_fail(out, 404, "评论不存在");
    if (st != 200) return rpc_fail(out, st, "服务暂不可用");
    if (strcmp(author, c->meta.uid) && strcmp(role, "owner")) return rpc_fail(out, 403, "无权限");
    s = db_stmt(c->db, "DELETE FROM comments WHERE id = ?1");
    if (!s) return notes_db_fail(c, out, "comment delete");
    db_bind_int(s, 1, id);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return notes_db_fail(c, out, "comment delete step");
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}
