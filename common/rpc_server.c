/* REP side: each worker is a thread owning one nng context, one aio and one database
 * connection, so a slow call only holds its own worker. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include "rpc.h"
#include "rpc_envelope.h"
#include "rpc_reply_cache.h"
#include "log.h"
#include "sockclose.h"

typedef struct worker {
    struct rpc_server *srv;
    int index;
    pthread_t thread;
    nng_ctx ctx;
    nng_aio *aio;
    db_conn *db;
    atomic_int receiving;
    atomic_int exited;
} worker;

struct rpc_server {
    nng_socket sock;
    const rpc_route *routes;
    int nworkers;
    worker *workers;
    atomic_int stopping;
    rpc_reply_cache *cache;
    char service[32];
};

int rpc_fail(json_t **out, int status, const char *detail) {
    *out = json_pack("{s:s}", "detail", detail);
    return status;
}

int rpc_ok(json_t **out, json_t *body) {
    *out = body;
    return 200;
}

static rpc_handler_fn find_handler(const rpc_server *s, const char *method) {
    for (const rpc_route *r = s->routes; r && r->method; r++)
        if (!strcmp(r->method, method)) return r->fn;
    return NULL;
}

static int health(svc_call *c, json_t **out) { return rpc_ok(out, json_pack("{s:b}", "ok", 1)); }

/* Runs one request and encodes the reply into sb. */
static void dispatch(worker *w, rpc_request_in *in, msgpack_sbuffer *sb) {
    rpc_handler_fn fn = strcmp(in->method, "health") ? find_handler(w->srv, in->method) : health;
    json_t *body = NULL;
    int status;
    if (!fn) {
        status = rpc_fail(&body, 404, "Not Found");
    } else {
        svc_call call = {
            .method = in->method,
            .meta = {.rid = in->rid, .uid = in->has_uid > 0 ? in->uid : NULL,
                     .role = in->has_role > 0 ? in->role : NULL, .ip = in->has_ip > 0 ? in->ip : NULL},
            .args = in->args, .db = w->db, .worker = w->index,
        };
        status = fn(&call, &body);
        if (w->db) db_rollback(w->db);   /* a handler that bailed out mid-transaction */
        if (status >= 500 && status != 503)
            LOG_ERROR(in->rid, "%s -> %d", in->method, status);
    }
    if (rpc_encode_reply(sb, status, body)) {
        json_decref(body);
        body = NULL;
        rpc_encode_reply(sb, 500, json_pack("{s:s}", "detail", "响应编码失败"));
        LOG_ERROR(in->rid, "%s: reply not encodable", in->method);
    }
    json_decref(body);
}

static void *worker_main(void *arg) {
    worker *w = arg;
    rpc_server *s = w->srv;
    for (;;) {
        atomic_store(&w->receiving, 1);
        if (atomic_load(&s->stopping)) break;
        nng_ctx_recv(w->ctx, w->aio);
        nng_aio_wait(w->aio);
        atomic_store(&w->receiving, 0);
        int rv = nng_aio_result(w->aio);
        if (rv == NNG_ECLOSED || (rv && atomic_load(&s->stopping))) break;
        if (rv) continue;
        nng_msg *msg = nng_aio_get_msg(w->aio);
        rpc_request_in in;
        if (rpc_decode_request(nng_msg_body(msg), nng_msg_len(msg), &in)) {
            LOG_WARN(NULL, "malformed request dropped");
            nng_msg_free(msg);
            continue;
        }
        void *cached = NULL;
        size_t cached_len = 0;
        cache_lookup cl = in.cid ? rpc_reply_cache_begin(s->cache, in.cid, &cached, &cached_len)
                                 : CACHE_MISS;
        if (cl == CACHE_IN_PROGRESS) {       /* a resend while the first copy runs: */
            json_decref(in.args);            /* receiving again discards this one */
            nng_msg_free(msg);
            continue;
        }
        msgpack_sbuffer sb;
        if (cl == CACHE_HIT) {
            sb.data = cached;
            sb.size = cached_len;
            sb.alloc = cached_len;
        } else {
            dispatch(w, &in, &sb);
            if (in.cid) rpc_reply_cache_store(s->cache, in.cid, sb.data, sb.size);
        }
        json_decref(in.args);
        nng_msg_clear(msg);                  /* keeps the header (the REQ's backtrace) */
        int arv = nng_msg_append(msg, sb.data, sb.size);
        msgpack_sbuffer_destroy(&sb);
        if (arv) { nng_msg_free(msg); continue; }
        nng_aio_set_msg(w->aio, msg);
        nng_ctx_send(w->ctx, w->aio);
        nng_aio_wait(w->aio);
        if (nng_aio_result(w->aio)) nng_msg_free(msg);
    }
    atomic_store(&w->exited, 1);
    return NULL;
}

rpc_server *rpc_server_start(const rpc_server_opts *o) {
    rpc_server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    snprintf(s->service, sizeof s->service, "%s", o->service ? o->service : "svc");
    s->routes = o->routes;
    s->nworkers = o->workers > 0 ? o->workers : 8;
    s->cache = rpc_reply_cache_new();
    s->workers = calloc((size_t)s->nworkers, sizeof *s->workers);
    int rv;
    if (!s->cache || !s->workers) goto fail_alloc;
    if ((rv = nng_rep0_open(&s->sock))) {
        LOG_ERROR(NULL, "rep socket: %s", nng_strerror(rv));
        goto fail_alloc;
    }
    for (int i = 0; i < s->nworkers; i++) {
        worker *w = &s->workers[i];
        w->srv = s;
        w->index = i;
        if (o->db_path && !(w->db = db_open(o->db_path, o->migrations))) goto fail;
        if ((rv = nng_ctx_open(&w->ctx, s->sock)) || (rv = nng_aio_alloc(&w->aio, NULL, NULL))) {
            LOG_ERROR(NULL, "worker %d: %s", i, nng_strerror(rv));
            goto fail;
        }
    }
    if ((rv = nng_listen(s->sock, o->url, NULL, 0))) {
        LOG_ERROR(NULL, "listen %s: %s", o->url, nng_strerror(rv));
        goto fail;
    }
    for (int i = 0; i < s->nworkers; i++) {
        if (pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i])) {
            LOG_ERROR(NULL, "cannot start worker %d", i);
            atomic_store(&s->stopping, 1);
            nng_close(s->sock);
            for (int j = 0; j < i; j++) pthread_join(s->workers[j].thread, NULL);
            goto fail_threads;
        }
    }
    LOG_INFO(NULL, "%s listening on %s with %d workers", s->service, o->url, s->nworkers);
    return s;
fail:
    nng_close(s->sock);
fail_threads:
    for (int i = 0; i < s->nworkers && s->workers; i++) {
        if (s->workers[i].aio) nng_aio_free(s->workers[i].aio);
        db_close(s->workers[i].db);
    }
fail_alloc:
    free(s->workers);
    rpc_reply_cache_free(s->cache);
    free(s);
    return NULL;
}

void rpc_server_stop(rpc_server *s) {
    if (!s) return;
    atomic_store(&s->stopping, 1);
    /* Cancel only receives: a worker that is handling a call finishes and replies first. */
    for (int rounds = 0; rounds < 1000; rounds++) {
        int alive = 0;
        for (int i = 0; i < s->nworkers; i++) {
            worker *w = &s->workers[i];
            if (atomic_load(&w->exited)) continue;
            alive++;
            if (atomic_load(&w->receiving)) nng_aio_cancel(w->aio);
        }
        if (!alive) break;
        usleep(10000);
    }
    sock_close(s->sock, "rpc server");   /* wakes anything still blocked after the 10 s grace */
    for (int i = 0; i < s->nworkers; i++) {
        pthread_join(s->workers[i].thread, NULL);
        nng_aio_free(s->workers[i].aio);
        db_close(s->workers[i].db);
    }
    free(s->workers);
    rpc_reply_cache_free(s->cache);
    free(s);
}
