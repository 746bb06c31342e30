/* Membership answers from svc-space, cached briefly. Any event on the space bus (a deletion,
 * a member removed) drops the whole cache at once by bumping a generation number: events
 * are rare, and a stale "member" answer must not outlive them. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "gw_internal.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/subscriber.h"
#include "../common/timeutil.h"

#define SLOTS 8192

typedef struct {
    int64_t space_id;
    char uid[96];
    char role[8];
    int64_t expires;
    unsigned generation;
} entry;

static entry table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint generation = 1;
static long ttl_ms;
static subscriber *bus;

static size_t slot_of(int64_t space_id, const char *uid) {
    uint64_t h = (uint64_t)space_id * 0x9E3779B97F4A7C15ULL;
    for (const char *p = uid; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001B3ULL;
    return (size_t)(h % SLOTS);
}

int gw_member_cached(int64_t space_id, const char *uid, char role[8]) {
    if (ttl_ms <= 0 || strlen(uid) >= sizeof table[0].uid) return 0;
    int hit = 0;
    pthread_mutex_lock(&lock);
    entry *e = &table[slot_of(space_id, uid)];
    if (e->space_id == space_id && !strcmp(e->uid, uid) && e->generation == atomic_load(&generation) &&
        e->expires > mono_ms()) {
        memcpy(role, e->role, 8);
        hit = 1;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void gw_member_remember(int64_t space_id, const char *uid, const char *role) {
    if (ttl_ms <= 0 || strlen(uid) >= sizeof table[0].uid) return;
    pthread_mutex_lock(&lock);
    entry *e = &table[slot_of(space_id, uid)];
    e->space_id = space_id;
    snprintf(e->uid, sizeof e->uid, "%s", uid);
    snprintf(e->role, sizeof e->role, "%s", role);
    e->expires = mono_ms() + ttl_ms;
    e->generation = atomic_load(&generation);
    pthread_mutex_unlock(&lock);
}

void gw_member_cache_invalidate(int64_t space_id, const char *uid) {
    (void)space_id;
    (void)uid;
    atomic_fetch_add(&generation, 1);
}

int gw_member_role(int64_t space_id, const char *uid, const char *rid, char role[8]) {
    if (!uid) return 404;
    if (gw_member_cached(space_id, uid, role)) return 200;
    json_t *args = json_pack("{s:I,s:s}", "space_id", (json_int_t)space_id, "user_id", uid);
    json_t *reply = NULL;
    rpc_meta meta = {.rid = rid, .uid = uid};
    int st = rpc_call(gw_client(SVC_SPACE), 0, "space.role", &meta, args, gw_rpc_timeout_ms(), &reply);
    json_decref(args);
    const json_t *r = json_object_get(reply, "role");
    if (st == 200 && json_is_string(r)) {
        snprintf(role, 8, "%s", json_string_value(r));
        gw_member_remember(space_id, uid, role);
    } else if (st == 200) {
        st = 502;
    }
    json_decref(reply);
    return st;
}

static void on_bus_event(const void *buf, size_t len, void *arg) {
    gw_member_cache_invalidate(0, NULL);
}

int gw_members_init(void) {
    ttl_ms = cfg_int("GATEWAY_MEMBER_CACHE_MS", 2000);
    subscriber_opts o = {.what = "space bus", .urls = cfg_url("SPACE_BUS_URL", "space.bus"),
                         .on_message = on_bus_event};
    return (bus = subscriber_start(&o)) ? 0 : -1;
}

void gw_members_shutdown(void) {
    subscriber_stop(bus);
    bus = NULL;
}
