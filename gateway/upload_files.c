/* GET /files/<key>: streams a stored file back from svc-storage in UPLOAD_CHUNK pieces
 * (MHD_create_response_from_callback, one get_chunk RPC per piece), with its detected
 * Content-Type and single-range support (206/416). Access: the key is a 128-bit random
 * capability (WeChat's <image>/<video> send no token); a deleted space's files are gone at
 * once because svc-storage serves only keys with a live metadata row. docs/storage.md. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "upload.h"

typedef struct files_state {
    char key[96], rid[64];
    int shard;
    int64_t end;             /* last byte + 1 of the range served */
    int64_t base;            /* first byte of the range (callback positions are relative) */
    json_t *chunk;           /* cached piece */
    int64_t chunk_off;       /* absolute offset of chunk */
} files_state;

static ssize_t read_piece(void *cls, uint64_t pos, char *buf, size_t max) {
    files_state *s = cls;
    int64_t at = s->base + (int64_t)pos;
    if (at >= s->end) return MHD_CONTENT_READER_END_OF_STREAM;
    int64_t have = s->chunk ? (int64_t)json_string_length(s->chunk) : 0;
    if (!s->chunk || at < s->chunk_off || at >= s->chunk_off + have) {
        json_decref(s->chunk);
        s->chunk = NULL;
        int64_t len = s->end - at < UPLOAD_CHUNK ? s->end - at : UPLOAD_CHUNK;
        json_t *args = json_pack("{s:s, s:I, s:I}", "key", s->key, "offset", (json_int_t)at,
                                 "length", (json_int_t)len), *out = NULL;
        rpc_meta m = {s->rid, NULL, NULL, NULL};
        int st = rpc_call(gw_client(SVC_STORAGE), s->shard, "storage.get_chunk", &m, args,
                          gw_rpc_timeout_ms(), &out);
        json_decref(args);
        json_t *data = json_object_get(out, "data");
        if (st != 200 || !json_is_string(data) || json_string_length(data) == 0) {
            json_decref(out);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        s->chunk = json_incref(data);
        json_decref(out);
        s->chunk_off = at;
        have = (int64_t)json_string_length(s->chunk);
    }
    size_t n = (size_t)(s->chunk_off + have - at);
    if (n > max) n = max;
    memcpy(buf, json_string_value(s->chunk) + (at - s->chunk_off), n);
    return (ssize_t)n;
}

static void free_state(void *cls) {
    files_state *s = cls;
    json_decref(s->chunk);
    free(s);
}

enum MHD_Result upload_files_handler(struct MHD_Connection *conn, const gw_req_info *info,
                                     const char *upload_data, size_t *upload_data_size,
                                     void **state) {
    if (!*state) { *state = (void *)1; return MHD_YES; }   /* MHD: answer on the second call */
    const char *key = info->url + strlen("/files/");
    if (!upload_key_valid(key)) return gw_respond_error(conn, 404, "文件不存在");
    int shard = rpc_shard_for_space(gw_client(SVC_STORAGE), strtoll(strchr(key, '/') + 1, NULL, 10));
    json_t *args = json_pack("{s:s}", "key", key), *meta = NULL;
    rpc_meta m = {info->rid, NULL, NULL, info->ip};
    int st = rpc_call(gw_client(SVC_STORAGE), shard, "storage.get_meta", &m, args,
                      gw_rpc_timeout_ms(), &meta);
    json_decref(args);
    if (st != 200) {
        const char *d = json_string_value(json_object_get(meta, "detail"));
        enum MHD_Result r = gw_respond_error(conn, st, d ? d : "文件不存在");
        json_decref(meta);
        return r;
    }
    int64_t size = json_integer_value(json_object_get(meta, "size"));
    char mime[64];
    snprintf(mime, sizeof mime, "%s", json_string_value(json_object_get(meta, "mime"))
                                          ? json_string_value(json_object_get(meta, "mime")) : "application/octet-stream");
    json_decref(meta);
    int64_t from = 0, to = size - 1;
    int ranged = upload_parse_range(
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE), size, &from, &to);
    char cr[96];
    if (ranged < 0) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        snprintf(cr, sizeof cr, "bytes */%" PRId64, size);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
        enum MHD_Result q = MHD_queue_response(conn, MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
        MHD_destroy_response(r);
        return q;
    }
    files_state *s = calloc(1, sizeof *s);
    if (!s) return MHD_NO;
    snprintf(s->key, sizeof s->key, "%s", key);
    snprintf(s->rid, sizeof s->rid, "%s", info->rid ? info->rid : "");
    s->shard = shard;
    s->base = from;
    s->end = to + 1;
    struct MHD_Response *r = MHD_create_response_from_callback(
        (uint64_t)(s->end - s->base), 64 * 1024, read_piece, s, free_state);
    if (!r) { free_state(s); return MHD_NO; }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private, max-age=86400");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (ranged) {
        snprintf(cr, sizeof cr, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, from, to, size);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
    }
    enum MHD_Result q = MHD_queue_response(conn, ranged ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return q;
}

void upload_files_cleanup(void *state) { (void)state; }
