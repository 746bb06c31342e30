#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "rpc_reply_cache.h"
#include "timeutil.h"

typedef struct {
    uint64_t cid;
    int64_t at;
    int done;
    size_t len;
    char *bytes;        /* NULL when done but too large to keep */
} slot;

struct rpc_reply_cache {
    pthread_mutex_t lock;
    slot slots[RPC_CACHE_SLOTS];
};

rpc_reply_cache *rpc_reply_cache_new(void) {
    rpc_reply_cache *c = calloc(1, sizeof *c);
    if (c) pthread_mutex_init(&c->lock, NULL);
    return c;
}

void rpc_reply_cache_free(rpc_reply_cache *c) {
    if (!c) return;
    for (int i = 0; i < RPC_CACHE_SLOTS; i++) free(c->slots[i].bytes);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

cache_lookup rpc_reply_cache_begin(rpc_reply_cache *c, uint64_t cid, void **out, size_t *len) {
    cache_lookup r = CACHE_MISS;
    int64_t now = mono_ms();
    pthread_mutex_lock(&c->lock);
    slot *s = &c->slots[cid % RPC_CACHE_SLOTS];
    if (s->cid == cid && now - s->at < RPC_CACHE_TTL_MS) {
        if (!s->done) r = CACHE_IN_PROGRESS;
        else if (s->bytes && (*out = malloc(s->len))) {
            memcpy(*out, s->bytes, s->len);
            *len = s->len;
            r = CACHE_HIT;
        }
    }
    if (r == CACHE_MISS) {
        free(s->bytes);
        *s = (slot){.cid = cid, .at = now};
    }
    pthread_mutex_unlock(&c->lock);
    return r;
}

void rpc_reply_cache_store(rpc_reply_cache *c, uint64_t cid, const void *reply, size_t len) {
    pthread_mutex_lock(&c->lock);
    slot *s = &c->slots[cid % RPC_CACHE_SLOTS];
    if (s->cid == cid) {
        s->done = 1;
        s->at = mono_ms();
        if (len <= RPC_CACHE_MAX_BYTES && (s->bytes = malloc(len))) {
            memcpy(s->bytes, reply, len);
            s->len = len;
        }
    }
    pthread_mutex_unlock(&c->lock);
}
