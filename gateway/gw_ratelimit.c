/* Token buckets per (bucket, key) in a fixed table: memory stays bounded no matter how many
 * clients; a slot remembers its latest key only, so a colliding key (rare: keys are
 * client addresses and user ids) starts with a full bucket.
 * A bucket holds per_minute tokens and refills continuously, so no burst of twice the
 * limit fits across a minute boundary (as it would with fixed one-minute windows).
 * Integer arithmetic: a token is 60000 units and each millisecond adds per_minute units. */
#include <pthread.h>
#include <string.h>
#include "gw_internal.h"
#include "../common/timeutil.h"

#define SLOTS 16384
#define UNITS_PER_TOKEN 60000

typedef struct { uint64_t hash; int64_t at_ms; int64_t units; } slot;
static slot table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t fnv(const char *a, const char *b) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = a; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
    for (const char *p = b; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return h;
}

int gw_rate_allow(const char *bucket, const char *key, long per_minute) {
    if (per_minute <= 0) return 1;
    uint64_t h = fnv(bucket, key ? key : "");
    int64_t now = mono_ms(), full = (int64_t)per_minute * UNITS_PER_TOKEN;
    pthread_mutex_lock(&lock);
    slot *s = &table[h % SLOTS];
    if (s->hash != h) {                              /* a new key (or a colliding one) */
        s->hash = h;
        s->at_ms = now;
        s->units = full;
    }
    int64_t elapsed = now - s->at_ms;
    /* refill, capped at a full bucket (elapsed >= 60 s always fills it: no overflow) */
    s->units = elapsed >= 60000 ? full : s->units + elapsed * per_minute;
    if (s->units > full) s->units = full;
    s->at_ms = now;
    int ok = s->units >= UNITS_PER_TOKEN;
    if (ok) s->units -= UNITS_PER_TOKEN;
    pthread_mutex_unlock(&lock);
    return ok;
}
