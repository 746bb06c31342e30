/* Object ids that name their shard: id = (sequence << 6) | shard_index, so the gateway can
 * route a call that names only a post/note/message/comment id (no space_id) to the shard
 * that stores it. With one shard ids are multiples of 64 — opaque integers to the client. */
#ifndef WH_IDS_H
#define WH_IDS_H
#include <stdint.h>
#define ID_SHARD_BITS 6
#define ID_MAX_SHARDS 64
static inline int64_t id_compose(int64_t seq, int shard) { return (seq << ID_SHARD_BITS) | shard; }
static inline int id_shard(int64_t id) { return (int)(id & (ID_MAX_SHARDS - 1)); }
/* Shard of this process (SHARD_INDEX env, default 0) and count (SHARD_COUNT, default 1). */
int shard_index(void);
int shard_count(void);
/* Next composed id for table (column id INTEGER PRIMARY KEY): (max(id)>>6)+1 composed with
 * shard_index(). Call inside the write transaction that inserts the row. -1 on error. */
#include "db.h"
int64_t id_next(db_conn *c, const char *table);
#endif
