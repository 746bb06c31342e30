/* Feed posts: create, list (with comments and likes), delete. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "feed_post.h"
#include "../common/args.h"
#include "../common/ids.h"
#include "../common/log.h"
#include "../common/timeutil.h"

#define MAX_POST_CHARS 5000
#define LIST_CAP 200

int feed_load_post(svc_call *c, json_t **out, const char *key, feed_post_ref *ref) {
    if (arg_int(c->args, key, &ref->id) != 1) return rpc_fail(out, 404, "动态不存在");
    sqlite3_stmt *s = db_stmt(c->db, "SELECT space_id, user_id FROM posts WHERE id = ?1");
    if (!s) return notes_db_fail(c, out, "post lookup");
    db_bind_int(s, 1, ref->id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        ref->space_id = sqlite3_column_int64(s, 0);
        snprintf(ref->author, sizeof ref->author, "%s", db_col_text(s, 1));
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) return rpc_fail(out, 404, "动态不存在");
    if (rc != SQLITE_ROW) return notes_db_fail(c, out, "post lookup step");
    int st = notes_role(c, ref->space_id, ref->role);
    if (st == 404) return rpc_fail(out, 404, "动态不存在");
    return st == 200 ? 200 : rpc_fail(out, st, "服务暂不可用");
}

json_t *feed_comment_from_row(sqlite3_stmt *s) {
    json_t *cm = json_pack("{s:I,s:I,s:s,s:n,s:n,s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                           "post_id", (json_int_t)sqlite3_column_int64(s, 1), "user_id",
                           db_col_text(s, 2), "alias", "avatar_url", "content", db_col_text(s, 3));
    notes_set_time(cm, "created_at", sqlite3_column_int64(s, 4), 1);
    return cm;
}

/* PostResponse from (id, space_id, user_id, content, media_type, media_urls, created_at). */
static json_t *post_from_row(sqlite3_stmt *s) {
    json_t *p = json_pack("{s:I,s:I,s:s,s:n,s:n,s:s,s:s,s:o}",
                          "id", (json_int_t)sqlite3_column_int64(s, 0),
                          "space_id", (json_int_t)sqlite3_column_int64(s, 1),
                          "user_id", db_col_text(s, 2), "alias", "avatar_url",
                          "content", db_col_text(s, 3), "media_type", db_col_text(s, 4),
                          "media_urls", notes_media_array(db_col_text(s, 5)));
    notes_set_time(p, "created_at", sqlite3_column_int64(s, 6), 1);
    json_object_set_new(p, "comments", json_array());
    json_object_set_new(p, "like_count", json_integer(0));
    json_object_set_new(p, "liked_by_me", json_false());
    json_object_set_new(p, "likes", json_array());
    return p;
}

int notes_feed_create(svc_call *c, json_t **out) {
    int64_t space_id;
    arg_int(c->args, "space_id", &space_id);
    const char *content = "", *media_type = "none";
    if (arg_str(c->args, "content", &content) < 0 || arg_str(c->args, "media_type", &media_type) < 0)
        return rpc_fail(out, 400, "参数格式无效");
    char type[16];
    if (strlen(media_type) >= sizeof type) return rpc_fail(out, 400, "不支持的媒体类型");
    for (size_t i = 0; i <= strlen(media_type); i++)
        type[i] = (char)((media_type[i] >= 'A' && media_type[i] <= 'Z') ? media_type[i] + 32 : media_type[i]);
    if (strcmp(type, "none") && strcmp(type, "image") && strcmp(type, "video") && strcmp(type, "live"))
        return rpc_fail(out, 400, "不支持的媒体类型");
    json_t *urls;
    const char *bad = notes_validate_media(type, json_object_get(c->args, "media_urls"), &urls);
    if (bad) { json_decref(urls); return rpc_fail(out, 400, bad); }
    long chars = 0;
    char *text = notes_trim(content, &chars);
    if (!text) { json_decref(urls); return rpc_fail(out, 400, "内容格式无效"); }
    if (chars > MAX_POST_CHARS) { free(text); json_decref(urls); return rpc_fail(out, 400, "动态内容过长"); }
    if (!chars && !json_array_size(urls)) { free(text); json_decref(urls); return rpc_fail(out, 400, "动态内容不能为空"); }
    char *urls_text = json_dumps(urls, JSON_COMPACT);
    json_decref(urls);
    int64_t now = now_ms();
    int st = 500;
    if (db_begin(c->db) != SQLITE_OK) goto done;
    int64_t id = id_next(c->db, "posts");
    sqlite3_stmt *s = db_stmt(c->db,
        "INSERT INTO posts(id, space_id, user_id, content, media_type, media_urls, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (id < 0 || !s) goto done;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, space_id);
    db_bind_text(s, 3, c->meta.uid);
    db_bind_text(s, 4, text);
    db_bind_text(s, 5, type);
    db_bind_text(s, 6, urls_text);
    db_bind_int(s, 7, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE || db_commit(c->db) != SQLITE_OK) goto done;
    json_t *post = json_pack("{s:I,s:I,s:s,s:n,s:n,s:s,s:s,s:o}", "id", (json_int_t)id,
                             "space_id", (json_int_t)space_id, "user_id", c->meta.uid, "alias",
                             "avatar_url", "content", text, "media_type", type, "media_urls",
                             notes_media_array(urls_text));
    notes_set_time(post, "created_at", now, 1);
    json_object_set_new(post, "comments", json_array());
    json_object_set_new(post, "like_count", json_integer(0));
    json_object_set_new(post, "liked_by_me", json_false());
    json_object_set_new(post, "likes", json_array());
    json_t *one = json_array();
    json_array_append(one, post);
    notes_apply_profiles(c, space_id, one);
    json_decref(one);
    st = rpc_ok(out, post);
done:
    free(text);
    free(urls_text);
    return st == 500 ? notes_db_fail(c, out, "post create") : st;
}

int notes_feed_list(svc_call *c, json_t **out) {
    int64_t space_id, limit = LIST_CAP;
    arg_int(c->args, "space_id", &space_id);
    if (arg_int(c->args, "limit", &limit) < 0) return rpc_fail(out, 400, "分页参数无效");
    if (limit < 1) limit = 1;
    if (limit > LIST_CAP) limit = LIST_CAP;
    /* Three queries (posts, comments, likes), each on its space index: no N+1. */
    sqlite3_stmt *s = db_stmt(c->db,
        "SELECT id, space_id, user_id, content, media_type, media_urls, created_at FROM posts"
        " WHERE space_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2");
    if (!s) return notes_db_fail(c, out, "feed list");
    db_bind_int(s, 1, space_id);
    db_bind_int(s, 2, limit);
    json_t *posts = json_array(), *by_id = json_object(), *people = json_array();
    int rc;
    char key[24];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *p = post_from_row(s);
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(p, "id")));
        json_object_set(by_id, key, p);
        json_array_append(people, p);
        json_array_append_new(posts, p);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) goto fail;
    s = db_stmt(c->db, "SELECT id, post_id, user_id, content, created_at FROM comments"
                       " WHERE space_id = ?1 ORDER BY post_id, id");
    if (!s) goto fail;
    db_bind_int(s, 1, space_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 1));
        json_t *p = json_object_get(by_id, key);
        if (!p) continue;
        json_t *cm = feed_comment_from_row(s);
        json_array_append(people, cm);
        json_array_append_new(json_object_get(p, "comments"), cm);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) goto fail;
    s = db_stmt(c->db, "SELECT post_id, user_id FROM likes WHERE space_id = ?1 ORDER BY post_id, id");
    if (!s) goto fail;
    db_bind_int(s, 1, space_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 0));
        json_t *p = json_object_get(by_id, key);
        if (!p) continue;
        const char *who = db_col_text(s, 1);
        json_t *like = json_pack("{s:s,s:n,s:n}", "user_id", who, "alias", "avatar_url");
        json_array_append(people, like);
        json_t *likes = json_object_get(p, "likes");
        json_array_append_new(likes, like);
        json_object_set_new(p, "like_count", json_integer((json_int_t)json_array_size(likes)));
        if (!strcmp(who, c->meta.uid)) json_object_set_new(p, "liked_by_me", json_true());
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) goto fail;
    notes_apply_profiles(c, space_id, people);
    json_decref(people);
    json_decref(by_id);
    return rpc_ok(out, json_pack("{s:o}", "posts", posts));
fail:
    json_decref(posts);
    json_decref(by_id);
    json_decref(people);
    return notes_db_fail(c, out, "feed list step");
}

int notes_feed_delete(svc_call *c, json_t **out) {
    feed_post_ref ref;
    int st = feed_load_post(c, out, "post_id", &ref);
    if (st != 200) {
        if (st == 404) { json_decref(*out); return rpc_fail(out, 404, "动态不存在或已删除"); }
        return st;
    }
    if (strcmp(ref.author, c->meta.uid) && strcmp(ref.role, "owner")) return rpc_fail(out, 403, "无权限");
    sqlite3_stmt *s = db_stmt(c->db, "DELETE FROM posts WHERE id = ?1");  /* cascades */
    if (!s) return notes_db_fail(c, out, "post delete");
    db_bind_int(s, 1, ref.id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return notes_db_fail(c, out, "post delete step");
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}
