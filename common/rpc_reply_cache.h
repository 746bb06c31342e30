/* Replies by call id, so a request that nng resends (same cid) is answered again rather
 * than executed twice. Direct-mapped, fixed size: memory is bounded by
 * RPC_CACHE_SLOTS * RPC_CACHE_MAX_BYTES; larger replies (reads) are not kept. */
#ifndef WH_RPC_REPLY_CACHE_H
#define WH_RPC_REPLY_CACHE_H
#include <stddef.h>
#include <stdint.h>
#define RPC_CACHE_SLOTS 2048
#define RPC_CACHE_MAX_BYTES 16384
#define RPC_CACHE_TTL_MS 120000

typedef struct rpc_reply_cache rpc_reply_cache;
typedef enum { CACHE_MISS, CACHE_IN_PROGRESS, CACHE_HIT } cache_lookup;

rpc_reply_cache *rpc_reply_cache_new(void);
void rpc_reply_cache_free(rpc_reply_cache *c);
/* Lookup: MISS marks cid in progress (the caller then stores the reply). HIT copies the
 * reply into malloc'd memory (out, len). */
cache_lookup rpc_reply_cache_begin(rpc_reply_cache *c, uint64_t cid, void **out, size_t *len);
void rpc_reply_cache_store(rpc_reply_cache *c, uint64_t cid, const void *reply, size_t len);
#endif
