/* Upload RPCs: storage.put_begin {space_id, category} -> {upload_id, max_size};
 * storage.put_chunk {upload_id, offset, data(bytes)} -> {size};
 * storage.put_commit {upload_id} -> {key, url, origin_url, mime, size};
 * storage.put_abort {upload_id} -> {}.
 * The gateway has checked the caller's membership of space_id before put_begin; every later
 * call must come from the same user. Blob first, metadata row after: a failed store leaves
 * neither a row nor a temp file. */
#include <string.h>
#include "storage.h"
#include "../common/args.h"
#include "../common/log.h"
#include "../common/timeutil.h"

/* Session named by args.upload_id and owned by the caller, acquired; or NULL + 404. */
static storage_session *session_of(svc_call *c, json_t **out, int *st) {
    const char *id = NULL;
    storage_session *s = NULL;
    if (arg_str(c->args, "upload_id", &id) == 1) s = storage_session_acquire(id);
    if (s && (!c->meta.uid || strcmp(storage_session_uid(s), c->meta.uid) != 0)) {
        storage_session_release(s);
        s = NULL;
    }
    if (!s) *st = rpc_fail(out, 404, "上传不存在或已过期");
    return s;
}

int storage_put_begin(svc_call *c, json_t **out) {
    int64_t space_id = 0;
    const char *category = NULL;
    if (!c->meta.uid || !*c->meta.uid) return rpc_fail(out, 401, "缺少用户身份");
    if (arg_int(c->args, "space_id", &space_id) != 1 || space_id <= 0)
        return rpc_fail(out, 400, "缺少空间ID");
    if (arg_str(c->args, "category", &category) != 1 || !storage_category_valid(category))
        return rpc_fail(out, 400, "不支持的上传分类");
    char id[33];
    if (!storage_session_new(space_id, c->meta.uid, category, id))
        return rpc_fail(out, 503, "上传繁忙，请稍后再试");
    return rpc_ok(out, json_pack("{s:s, s:I}", "upload_id", id, "max_size",
                                 (json_int_t)storage_limit_max()));
}

int storage_put_chunk(svc_call *c, json_t **out) {
    int st = 0;
    int64_t offset = -1;
    json_t *data = json_object_get(c->args, "data");
    if (arg_int(c->args, "offset", &offset) != 1 || offset < 0 || !json_is_string(data) ||
        json_string_length(data) > STORAGE_CHUNK_MAX)
        return rpc_fail(out, 400, "分片参数错误");
    storage_session *s = session_of(c, out, &st);
    if (!s) return st;
    const char *detail = NULL;
    st = storage_session_append(s, offset, json_string_value(data), json_string_length(data),
                                &detail);
    int64_t size = storage_session_size(s);
    storage_session_release(s);
    if (st) return rpc_fail(out, st, detail);
    return rpc_ok(out, json_pack("{s:I}", "size", (json_int_t)size));
}

int storage_put_abort(svc_call *c, json_t **out) {
    int st = 0;
    storage_session *s = session_of(c, out, &st);
    if (!s) { json_decref(*out); *out = NULL; return 200; }   /* idempotent */
    storage_session_discard(s);
    storage_session_release(s);
    return 200;
}

/* Insert the metadata row unless the space was deleted meanwhile. 0, 404 or 500. */
static int insert_row(db_conn *db, const char *key, storage_session *s) {
    if (db_begin(db) != SQLITE_OK) return 500;
    sqlite3_stmt *q = db_stmt(db, "SELECT 1 FROM deleted_spaces WHERE space_id = ?");
    if (!q) goto fail;
    db_bind_int(q, 1, storage_session_space(s));
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) { db_rollback(db); return 404; }
    if (rc != SQLITE_DONE) goto fail;
    q = db_stmt(db, "INSERT INTO files (key, space_id, user_id, category, size, mime, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!q) goto fail;
    db_bind_text(q, 1, key);
    db_bind_int(q, 2, storage_session_space(s));
    db_bind_text(q, 3, storage_session_uid(s));
    db_bind_text(q, 4, storage_session_category(s));
    db_bind_int(q, 5, storage_session_size(s));
    db_bind_text(q, 6, storage_session_type(s)->mime);
    db_bind_int(q, 7, now_ms());
    if (sqlite3_step(q) != SQLITE_DONE || db_commit(db) != SQLITE_OK) goto fail;
    return 0;
fail:
    db_rollback(db);
    return 500;
}

int storage_put_commit(svc_call *c, json_t **out) {
    int st = 0;
    storage_session *s = session_of(c, out, &st);
    if (!s) return st;
    const storage_type *t = storage_session_type(s);
    char hex[33], key[128], url[1024];
    if (storage_session_size(s) == 0 || !t) {
        st = rpc_fail(out, 400, "空文件");
    } else if (storage_session_finish(s) != 0 || storage_random_hex(hex) != 0 ||
               storage_make_key(key, sizeof key, storage_session_category(s),
                                storage_session_space(s), hex, t->ext) != 0 ||
               storage_url_for(url, sizeof url, key) != 0) {
        st = rpc_fail(out, 500, "文件上传失败");
    } else {
        const storage_backend *b = storage_backend_current();
        int bst = b->put(key, storage_session_path(s), storage_session_size(s), t->mime);
        if (bst) {
            st = rpc_fail(out, bst == 503 ? 503 : 500,
                          bst == 503 ? "存储服务暂不可用，请稍后重试" : "文件上传失败");
        } else if ((st = insert_row(c->db, key, s)) != 0) {
            b->del(key);
            st = rpc_fail(out, st, st == 404 ? "空间不存在" : "文件上传失败");
        } else {
            LOG_INFO(c->meta.rid, "stored %s (%lld bytes)", key, (long long)storage_session_size(s));
            st = rpc_ok(out, json_pack("{s:s, s:s, s:s, s:s, s:I}", "url", url, "origin_url", url,
                                       "key", key, "mime", t->mime,
                                       "size", (json_int_t)storage_session_size(s)));
        }
    }
    storage_session_discard(s);    /* temp file removed whatever happened */
    storage_session_release(s);
    return st;
}
