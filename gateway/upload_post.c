/* POST /api/upload: multipart/form-data parsed by MHD's post processor and forwarded to
 * svc-storage in UPLOAD_CHUNK pieces (put_begin, put_chunk*, put_commit | put_abort). Chunks
 * are pipelined: one put_chunk is in flight (async RPC) while the next is read, so the body
 * held is at most two chunks. Form fields (category, space_id, user_id,
 * message_type/media_type) must come before the file part, as wx.uploadFile sends them.
 * After the first error the rest of the body is read and dropped (bounded by the body
 * limit) so the client always receives the status and its detail. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "upload.h"
#include "../common/config.h"
#include "../common/log.h"

#define FIELD_MAX 128
enum { COMMIT_NONE, COMMIT_PENDING, COMMIT_DONE, COMMIT_ANSWERED };

typedef struct upload_state {
    struct MHD_PostProcessor *pp;
    struct MHD_Connection *conn;
    char uid[FIELD_MAX + 2], rid[64], ip[64];
    char category[FIELD_MAX + 2], space_id[FIELD_MAX + 2], user_id[FIELD_MAX + 2];
    int file_seen, file_done;
    char upload_id[40], role[8];
    int64_t space, sent;
    int shard;
    char *buf, *spare;       /* filling / in flight */
    size_t buf_len;
    pthread_mutex_t mu;      /* guards the in-flight chunk's outcome */
    pthread_cond_t cv;
    int inflight, async_st;
    char async_detail[160];
    int commit_phase, commit_st;   /* COMMIT_* ; reply of put_commit */
    json_t *commit_reply;
    int64_t dropped;
    int answered;            /* an early error response is queued: ignore the rest */
    int err;                 /* HTTP status of the first error, 0 = none */
    char detail[160];
} upload_state;

static void fail(upload_state *s, int status, const char *detail) {
    if (s->err) return;
    s->err = status;
    snprintf(s->detail, sizeof s->detail, "%s", detail);
}

static rpc_meta meta_of(const upload_state *s) {
    rpc_meta m = {s->rid, s->uid, s->role[0] ? s->role : NULL, s->ip};
    return m;
}

/* One storage RPC; on failure records status + the service's detail. Returns status. */
static int storage_call(upload_state *s, const char *method, json_t *args, json_t **reply) {
    rpc_meta m = meta_of(s);
    json_t *out = NULL;
    int st = rpc_call(gw_client(SVC_STORAGE), s->shard, method, &m, args, gw_rpc_timeout_ms(), &out);
    json_decref(args);
    if (st != 200) {
        const char *d = json_string_value(json_object_get(out, "detail"));
        fail(s, st, d ? d : "存储服务暂不可用，请稍后重试");
    } else if (reply) {
        *reply = out;
        out = NULL;
    }
    json_decref(out);
    return st;
}

static void chunk_done(void *arg, int status, json_t *body) {
    upload_state *s = arg;
    const char *d = json_string_value(json_object_get(body, "detail"));
    pthread_mutex_lock(&s->mu);
    s->async_st = status;
    snprintf(s->async_detail, sizeof s->async_detail, "%s",
             d ? d : "存储服务暂不可用，请稍后重试");
    s->inflight = 0;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    json_decref(body);
}

/* Wait for the chunk in flight (if any) and take over its outcome. Returns s->err. */
static int wait_chunk(upload_state *s) {
    pthread_mutex_lock(&s->mu);
    while (s->inflight) pthread_cond_wait(&s->cv, &s->mu);
    int st = s->async_st;
    s->async_st = 200;
    pthread_mutex_unlock(&s->mu);
    if (st != 200) {
        fail(s, st, s->async_detail);
        if (st < 500) s->upload_id[0] = 0;   /* svc-storage discarded it; 5xx: abort */
    }
    return s->err;
}

/* Send the filled buffer (after the previous chunk is acknowledged) and swap buffers. */
static int flush_chunk(upload_state *s) {
    if (s->err || !s->upload_id[0] || s->buf_len == 0) return s->err;
    if (wait_chunk(s)) return s->err;
    json_t *data = json_stringn_nocheck(s->buf, s->buf_len);
    json_t *args = data ? json_pack("{s:s, s:I, s:o}", "upload_id", s->upload_id, "offset",
                                    (json_int_t)s->sent, "data", data) : NULL;
    if (!args) { fail(s, 503, "内存不足"); return s->err; }
    rpc_meta m = meta_of(s);
    s->inflight = 1;   /* no callback can run before the call is submitted */
    int rc = rpc_call_async(gw_client(SVC_STORAGE), s->shard, "storage.put_chunk", &m, args,
                            gw_rpc_timeout_ms(), chunk_done, s);
    json_decref(args);
    if (rc != 0) {
        s->inflight = 0;
        fail(s, 503, "存储服务暂不可用，请稍后重试");
        return s->err;
    }
    s->sent += (int64_t)s->buf_len;
    char *t = s->buf;
    s->buf = s->spare;
    s->spare = t;
    s->buf_len = 0;
    return 0;
}

/* The file part starts: check identity and membership, open a storage session. */
static void begin_file(upload_state *s, struct MHD_Connection *conn) {
    const char *q_uid = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "user_id");
    if ((s->user_id[0] && strcmp(s->user_id, s->uid) != 0) || (q_uid && *q_uid && strcmp(q_uid, s->uid) != 0)) {
        fail(s, 403, "用户身份不匹配");
        return;
    }
    const char *sid = s->space_id[0] ? s->space_id
                                     : MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "space_id");
    char *end = NULL;
    long long v = sid && *sid ? strtoll(sid, &end, 10) : 0;
    if (!sid || !*sid) { fail(s, 400, "缺少空间ID"); return; }
    if (*end || v <= 0) { fail(s, 400, "空间ID无效"); return; }
    s->space = v;
    const char *cat = s->category[0] ? s->category
                                     : MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "category");
    if (!cat || (strcmp(cat, "messages") && strcmp(cat, "notes") && strcmp(cat, "avatars"))) {
        fail(s, 400, "不支持的上传分类");
        return;
    }
    int st = gw_member_role(s->space, s->uid, s->rid, s->role);
    if (st == 404) { fail(s, 404, "空间不存在"); return; }
    if (st != 200) { fail(s, st, "服务暂不可用，请稍后重试"); return; }
    s->shard = rpc_shard_for_space(gw_client(SVC_STORAGE), s->space);
    json_t *reply = NULL;
    if (storage_call(s, "storage.put_begin",
                     json_pack("{s:I, s:s}", "space_id", (json_int_t)s->space, "category", cat),
                     &reply) != 200)
        return;
    const char *id = json_string_value(json_object_get(reply, "upload_id"));
    if (id && strlen(id) < sizeof s->upload_id) snprintf(s->upload_id, sizeof s->upload_id, "%s", id);
    else fail(s, 502, "存储服务应答无效");
    json_decref(reply);
    if (!s->err && (!(s->buf = malloc(UPLOAD_CHUNK)) || !(s->spare = malloc(UPLOAD_CHUNK))))
        fail(s, 503, "内存不足");
}

static int copy_field(char *dst, const char *data, uint64_t off, size_t size) {
    if (off + size > FIELD_MAX) return -1;
    memcpy(dst + off, data, size);
    dst[off + size] = 0;
    return 0;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size) {
    upload_state *s = cls;
    if (s->err) return MHD_NO;
    if (strcmp(key, "file") == 0) {
        if (s->file_done) { fail(s, 400, "一次只能上传一个文件"); return MHD_NO; }
        if (!s->file_seen) {
            s->file_seen = 1;
            begin_file(s, s->conn);
            if (s->err) return MHD_NO;
        }
        while (size > 0) {
            size_t k = UPLOAD_CHUNK - s->buf_len;
            if (k > size) k = size;
            memcpy(s->buf + s->buf_len, data, k);
            s->buf_len += k;
            data += k;
            size -= k;
            if (s->buf_len == UPLOAD_CHUNK && flush_chunk(s)) return MHD_NO;
        }
        return MHD_YES;
    }
    if (s->file_seen) s->file_done = 1;
    char *dst = strcmp(key, "category") == 0 ? s->category
              : strcmp(key, "space_id") == 0 || strcmp(key, "spaceId") == 0 ? s->space_id
              : strcmp(key, "user_id") == 0 || strcmp(key, "userId") == 0 ? s->user_id : NULL;
    if (dst && copy_field(dst, data, off, size) != 0) { fail(s, 400, "参数过长"); return MHD_NO; }
    return MHD_YES;   /* message_type / media_type and unknown fields: not needed */
}

static upload_state *state_new(struct MHD_Connection *conn, const gw_req_info *info) {
    upload_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->conn = conn;
    s->async_st = 200;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    snprintf(s->uid, sizeof s->uid, "%s", info->uid ? info->uid : "");
    snprintf(s->rid, sizeof s->rid, "%s", info->rid ? info->rid : "");
    snprintf(s->ip, sizeof s->ip, "%s", info->ip ? info->ip : "");
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoll(cl, NULL, 10) > upload_body_limit()) fail(s, 413, "文件过大");
    else if (!(s->pp = MHD_create_post_processor(conn, 64 * 1024, on_part, s)))
        fail(s, 400, "请使用multipart/form-data上传文件");
    return s;
}

static void commit_done(void *arg, int status, json_t *body) {
    upload_state *s = arg;
    pthread_mutex_lock(&s->mu);
    s->commit_st = status;
    s->commit_reply = body;
    s->commit_phase = COMMIT_DONE;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    MHD_resume_connection(s->conn);
}

/* The commit stores the blob (fsync, or a whole S3 PUT): it runs as an async RPC while the
 * connection is suspended, so the MHD thread serves other connections meanwhile. */
static enum MHD_Result start_commit(struct MHD_Connection *conn, upload_state *s) {
    json_t *args = json_pack("{s:s}", "upload_id", s->upload_id);
    rpc_meta m = meta_of(s);
    if (!args) return gw_respond_error(conn, 503, "内存不足");
    s->commit_phase = COMMIT_PENDING;
    MHD_suspend_connection(conn);
    int rc = rpc_call_async(gw_client(SVC_STORAGE), s->shard, "storage.put_commit", &m, args,
                            gw_rpc_timeout_ms() + cfg_int("UPLOAD_COMMIT_EXTRA_MS", 120000),
                            commit_done, s);
    json_decref(args);
    if (rc != 0) {
        s->commit_phase = COMMIT_NONE;
        MHD_resume_connection(conn);
        return gw_respond_error(conn, 503, "存储服务暂不可用，请稍后重试");
    }
    return MHD_YES;
}

static enum MHD_Result commit_answer(struct MHD_Connection *conn, upload_state *s) {
    json_t *reply = s->commit_reply;
    s->commit_reply = NULL;
    s->commit_phase = COMMIT_ANSWERED;
    enum MHD_Result r;
    if (s->commit_st == 200) {
        s->upload_id[0] = 0;
        json_t *body = json_pack("{s:O, s:O, s:O}", "url", json_object_get(reply, "url"),
                                 "origin_url", json_object_get(reply, "origin_url"),
                                 "key", json_object_get(reply, "key"));
        r = body ? gw_respond_json(conn, 200, body) : gw_respond_error(conn, 502, "存储服务应答无效");
        json_decref(body);
    } else {
        if (s->commit_st < 500) s->upload_id[0] = 0;   /* answered: the session is gone */
        const char *d = json_string_value(json_object_get(reply, "detail"));
        r = gw_respond_error(conn, s->commit_st, d ? d : "存储服务暂不可用，请稍后重试");
    }
    json_decref(reply);
    return r;
}

static enum MHD_Result finish(struct MHD_Connection *conn, upload_state *s) {
    pthread_mutex_lock(&s->mu);
    int phase = s->commit_phase;
    pthread_mutex_unlock(&s->mu);
    if (phase == COMMIT_DONE) return commit_answer(conn, s);
    if (phase != COMMIT_NONE) return MHD_YES;
    if (s->pp && MHD_destroy_post_processor(s->pp) != MHD_YES) fail(s, 400, "表单格式错误");
    s->pp = NULL;
    if (!s->err && !s->file_seen) fail(s, 400, "空文件");
    if (!s->err && s->user_id[0] && strcmp(s->user_id, s->uid) != 0) fail(s, 403, "用户身份不匹配");
    if (!s->err && s->buf_len) flush_chunk(s);
    wait_chunk(s);
    if (!s->err && !s->upload_id[0]) fail(s, 400, "空文件");
    if (s->err) return gw_respond_error(conn, s->err, s->detail);   /* cleanup aborts */
    return start_commit(conn, s);
}

enum MHD_Result upload_post_handler(struct MHD_Connection *conn, const gw_req_info *info,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **state) {
    upload_state *s = *state;
    if (!s) {
        if (!(s = state_new(conn, info))) return MHD_NO;
        *state = s;
        if (s->err == 413) { s->answered = 1; return gw_respond_error(conn, 413, s->detail); }
        return MHD_YES;
    }
    if (s->answered) { *upload_data_size = 0; return MHD_YES; }   /* early answer queued */
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (!s->err) {
            if (MHD_post_process(s->pp, upload_data, n) != MHD_YES) fail(s, 400, "表单格式错误");
        }
        if (s->err) {
            s->dropped += (int64_t)n;
            if (s->dropped > upload_body_limit()) {
                s->answered = 1;
                return gw_respond_error(conn, s->err, s->detail);
            }
        }
        return MHD_YES;
    }
    return finish(conn, s);
}

void upload_post_cleanup(void *state) {
    upload_state *s = state;
    if (!s) return;
    if (s->pp) MHD_destroy_post_processor(s->pp);
    wait_chunk(s);   /* the in-flight callback still points at s */
    pthread_mutex_lock(&s->mu);
    while (s->commit_phase == COMMIT_PENDING) pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    json_decref(s->commit_reply);
    if (s->upload_id[0]) {
        /* ended early (error or client gone): drop the partial data now, not at expiry */
        rpc_meta m = meta_of(s);
        json_t *args = json_pack("{s:s}", "upload_id", s->upload_id), *out = NULL;
        int st = rpc_call(gw_client(SVC_STORAGE), s->shard, "storage.put_abort", &m, args,
                          gw_rpc_timeout_ms(), &out);
        LOG_INFO(s->rid, "upload aborted after %lld bytes (abort: %d)", (long long)s->sent, st);
        json_decref(args);
        json_decref(out);
    }
    free(s->buf);
    free(s->spare);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
