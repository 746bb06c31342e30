/* REQ side: one socket per shard, one nng context per call. nng resends a request that got
 * no reply within RPC_RESEND_MS (the server's reply cache makes that safe), so a call
 * survives a service restart inside its deadline. */
#include <stdlib.h>
#include <string.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include "rpc.h"
#include "rpc_envelope.h"
#include "config.h"
#include "ids.h"
#include "log.h"
#include "sockclose.h"

#define MAX_SHARDS ID_MAX_SHARDS

struct rpc_client {
    int nshards;
    nng_socket socks[MAX_SHARDS];
};

rpc_client *rpc_client_open(const char *urls) {
    rpc_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    char url[512];
    for (int i = 0; i < MAX_SHARDS && cfg_list_item(urls, i, url, sizeof url) == 0; i++) {
        nng_socket s;
        int rv = nng_req0_open(&s);
        if (rv) {
            LOG_ERROR(NULL, "req socket: %s", nng_strerror(rv));
            rpc_client_close(c);
            return NULL;
        }
        c->socks[c->nshards++] = s;
        nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, (nng_duration)cfg_int("RPC_RESEND_MS", 2000));
        nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 20);
        nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 500);
        /* Non-blocking dial: the peer may start later; nng keeps reconnecting. */
        if ((rv = nng_dial(s, url, NULL, NNG_FLAG_NONBLOCK)))
            LOG_ERROR(NULL, "dial %s: %s", url, nng_strerror(rv));
    }
    if (c->nshards == 0) {
        LOG_ERROR(NULL, "no RPC URL in '%s'", urls ? urls : "");
        free(c);
        return NULL;
    }
    return c;
}

void rpc_client_close(rpc_client *c) {
    if (!c) return;
    sock_close_all(c->socks, c->nshards, SOCK_CLOSE_MS, "rpc client");
    free(c);
}

int rpc_client_shards(const rpc_client *c) { return c->nshards; }

int rpc_shard_for_space(const rpc_client *c, int64_t space_id) {
    int64_t m = space_id % c->nshards;
    return (int)(m < 0 ? m + c->nshards : m);
}

int rpc_shard_for_object(const rpc_client *c, int64_t object_id) {
    int s = id_shard(object_id);
    return s < c->nshards ? s : 0;
}

static int transport_status(int rv) { return rv == NNG_ETIMEDOUT ? 504 : 503; }

static json_t *transport_body(int rv) {
    return json_pack("{s:s}", "detail", rv == NNG_ETIMEDOUT ? "服务响应超时" : "服务暂不可用");
}

static nng_msg *build_request(const char *method, const rpc_meta *meta, const json_t *args) {
    msgpack_sbuffer sb;
    if (rpc_encode_request(&sb, rpc_random_u64(), method, meta, args)) return NULL;
    nng_msg *m = NULL;
    if (nng_msg_alloc(&m, 0) || nng_msg_append(m, sb.data, sb.size)) {
        if (m) nng_msg_free(m);
        m = NULL;
    }
    msgpack_sbuffer_destroy(&sb);
    return m;
}

static int parse_reply(nng_msg *m, json_t **out) {
    int status;
    json_t *body;
    if (rpc_decode_reply(nng_msg_body(m), nng_msg_len(m), &status, &body)) {
        *out = json_pack("{s:s}", "detail", "服务响应无效");
        return 502;
    }
    *out = body;
    return status;
}

int rpc_call(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
             const json_t *args, int timeout_ms, json_t **out) {
    *out = NULL;
    if (shard < 0 || shard >= c->nshards) shard = 0;
    nng_ctx ctx;
    nng_aio *aio = NULL;
    nng_msg *req = build_request(method, meta, args);
    int rv;
    if (!req) { *out = json_pack("{s:s}", "detail", "请求编码失败"); return 400; }
    if ((rv = nng_ctx_open(&ctx, c->socks[shard]))) {
        nng_msg_free(req);
        *out = transport_body(rv);
        return transport_status(rv);
    }
    if ((rv = nng_aio_alloc(&aio, NULL, NULL))) goto fail;
    nng_aio_set_timeout(aio, timeout_ms);
    nng_aio_set_msg(aio, req);
    nng_ctx_send(ctx, aio);
    nng_aio_wait(aio);
    if ((rv = nng_aio_result(aio))) goto fail;
    req = NULL;                              /* owned by nng now */
    nng_ctx_recv(ctx, aio);
    nng_aio_wait(aio);
    if ((rv = nng_aio_result(aio))) goto fail;
    nng_msg *rep = nng_aio_get_msg(aio);
    int status = parse_reply(rep, out);
    nng_msg_free(rep);
    nng_aio_free(aio);
    nng_ctx_close(ctx);
    return status;
fail:
    if (req) nng_msg_free(req);
    if (aio) nng_aio_free(aio);
    nng_ctx_close(ctx);
    LOG_WARN(meta ? meta->rid : NULL, "rpc %s: %s", method, nng_strerror(rv));
    *out = transport_body(rv);
    return transport_status(rv);
}

/* ---- async ---- */
typedef struct async_call {
    nng_ctx ctx;
    nng_aio *aio;
    int receiving;
    rpc_done_fn cb;
    rpc_raw_done_fn raw_cb;    /* set instead of cb for rpc_call_async_raw */
    void *arg;
    char method[64];
} async_call;

static void async_finish(async_call *a, int status, json_t *body) {
    if (a->raw_cb) {
        json_decref(body);
        a->raw_cb(a->arg, status, NULL, 0);
    } else {
        a->cb(a->arg, status, body);
    }
    nng_ctx_close(a->ctx);
    nng_aio_reap(a->aio);   /* cannot nng_aio_free from inside its own callback */
    free(a);
}

static void async_step(void *arg) {
    async_call *a = arg;
    int rv = nng_aio_result(a->aio);
    if (rv) {
        if (!a->receiving) {
            nng_msg *m = nng_aio_get_msg(a->aio);
            if (m) nng_msg_free(m);
        }
        LOG_WARN(NULL, "rpc %s: %s", a->method, nng_strerror(rv));
        async_finish(a, transport_status(rv), transport_body(rv));
        return;
    }
    if (!a->receiving) {
        a->receiving = 1;
        nng_ctx_recv(a->ctx, a->aio);
        return;
    }
    nng_msg *rep = nng_aio_get_msg(a->aio);
    if (a->raw_cb) {
        size_t len = nng_msg_len(rep);
        void *copy = malloc(len ? len : 1);
        if (copy) memcpy(copy, nng_msg_body(rep), len);
        nng_msg_free(rep);
        a->raw_cb(a->arg, copy ? 0 : 503, copy, copy ? len : 0);
        nng_ctx_close(a->ctx);
        nng_aio_reap(a->aio);
        free(a);
        return;
    }
    json_t *body = NULL;
    int status = parse_reply(rep, &body);
    nng_msg_free(rep);
    async_finish(a, status, body);
}

static int submit(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
                  const json_t *args, int timeout_ms, async_call *a) {
    if (shard < 0 || shard >= c->nshards) shard = 0;
    snprintf(a->method, sizeof a->method, "%s", method);
    nng_msg *req = build_request(method, meta, args);
    if (!req) { free(a); return -1; }
    if (nng_ctx_open(&a->ctx, c->socks[shard])) { nng_msg_free(req); free(a); return -1; }
    if (nng_aio_alloc(&a->aio, async_step, a)) {
        nng_ctx_close(a->ctx);
        nng_msg_free(req);
        free(a);
        return -1;
    }
    nng_aio_set_timeout(a->aio, timeout_ms);
    nng_aio_set_msg(a->aio, req);
    nng_ctx_send(a->ctx, a->aio);
    return 0;
}

int rpc_call_async(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
                   const json_t *args, int timeout_ms, rpc_done_fn cb, void *arg) {
    async_call *a = calloc(1, sizeof *a);
    if (!a) return -1;
    a->cb = cb;
    a->arg = arg;
    return submit(c, shard, method, meta, args, timeout_ms, a);
}

int rpc_call_async_raw(rpc_client *c, int shard, const char *method, const rpc_meta *meta,
                       const json_t *args, int timeout_ms, rpc_raw_done_fn cb, void *arg) {
    async_call *a = calloc(1, sizeof *a);
    if (!a) return -1;
    a->raw_cb = cb;
    a->arg = arg;
    return submit(c, shard, method, meta, args, timeout_ms, a);
}
