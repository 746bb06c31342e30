/* Fixed one-minute windows per (bucket, key) in a fixed table: memory stays bounded no
 * matter how many clients; two keys sharing a slot share a budget (errs on the strict side). */
#include <pthread.h>
#include <string.h>
#include "gw_internal.h"
#include "../common/timeutil.h"

#define SLOTS 16384

typedef struct { uint64_t hash; int64_t window; long count; } slot;
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
    int64_t window = mono_ms() / 60000;
    pthread_mutex_lock(&lock);
    slot *s = &table[h % SLOTS];
    if (s->hash != h || s->window != window) { s->hash = h; s->window = window; s->count = 0; }
    int ok = ++s->count <= per_minute;
    pthread_mutex_unlock(&lock);
    return ok;
}
