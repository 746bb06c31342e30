/* Download RPCs used by the gateway's /files/<key>:
 * storage.get_meta {key} -> {key, mime, size, space_id}   (404 "文件不存在")
 * storage.get_chunk {key, offset, length<=1 MiB} -> {data: bytes}
 * Only keys with a live metadata row are readable: a deleted space's files vanish at once. */
#include <stdio.h>
#include <stdlib.h>
#include "storage.h"
#include "../common/args.h"

/* Row of args.key: 200 (fills mime/size/space), 404 or 500. */
static int lookup(svc_call *c, const char **key, char mime[64], int64_t *size, int64_t *space) {
    if (arg_str(c->args, "key", key) != 1 || !storage_key_parse(*key, NULL, NULL)) return 404;
    sqlite3_stmt *q = db_stmt(c->db, "SELECT mime, size, space_id FROM files"
                                     " WHERE key = ? AND deleting = 0");
    if (!q) return 500;
    db_bind_text(q, 1, *key);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) return 404;
    if (rc != SQLITE_ROW) return 500;
    snprintf(mime, 64, "%s", db_col_text(q, 0) ? db_col_text(q, 0) : "application/octet-stream");
    *size = sqlite3_column_int64(q, 1);
    *space = sqlite3_column_int64(q, 2);
    sqlite3_reset(q);
    return 200;
}

int storage_get_meta(svc_call *c, json_t **out) {
    const char *key = NULL;
    char mime[64];
    int64_t size = 0, space = 0;
    int st = lookup(c, &key, mime, &size, &space);
    if (st != 200) return rpc_fail(out, st, st == 404 ? "文件不存在" : "读取失败");
    return rpc_ok(out, json_pack("{s:s, s:s, s:I, s:I}", "key", key, "mime", mime,
                                 "size", (json_int_t)size, "space_id", (json_int_t)space));
}

int storage_get_chunk(svc_call *c, json_t **out) {
    const char *key = NULL;
    char mime[64];
    int64_t size = 0, space = 0, offset = 0, length = 0;
    if (arg_int(c->args, "offset", &offset) != 1 || offset < 0 ||
        arg_int(c->args, "length", &length) != 1 || length <= 0)
        return rpc_fail(out, 400, "分片参数错误");
    if (length > STORAGE_CHUNK_MAX) length = STORAGE_CHUNK_MAX;
    int st = lookup(c, &key, mime, &size, &space);
    if (st != 200) return rpc_fail(out, st, st == 404 ? "文件不存在" : "读取失败");
    if (offset >= size) return rpc_ok(out, json_pack("{s:s#}", "data", "", (int)0));
    if (length > size - offset) length = size - offset;
    char *buf = malloc((size_t)length);
    if (!buf) return rpc_fail(out, 503, "内存不足");
    size_t got = 0;
    st = storage_backend_current()->get(key, offset, (size_t)length, buf, &got);
    if (st) {
        free(buf);
        return rpc_fail(out, st == 404 ? 404 : 503, st == 404 ? "文件不存在" : "存储服务暂不可用，请稍后重试");
    }
    json_t *data = json_stringn_nocheck(buf, got);
    free(buf);
    if (!data) return rpc_fail(out, 503, "内存不足");
    return rpc_ok(out, json_pack("{s:o}", "data", data));
}
