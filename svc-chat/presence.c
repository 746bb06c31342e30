/* Who is online in a space, across every gateway: each gateway reports its sockets'
 * connect/disconnect (chat.presence) and svc-chat, which owns the space's shard, keeps
 * the set and publishes the presence frame. Typing is relayed the same way.
 * Memory only, kept honest by liveness: every gateway calls chat.presence_alive every few
 * seconds; the sockets of a gateway silent for PRESENCE_TTL_MS are forgotten (a crashed
 * gateway does not leave ghosts), and a gateway this process does not know (svc-chat was
 * restarted) is told so and announces its sockets again. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chat.h"
#include "../common/args.h"
#include "../common/config.h"
#include "../common/timeutil.h"

#define MAX_GATEWAYS 256

typedef struct entry {
    int64_t space_id;
    char conn[64];        /* gateway instance + socket id */
    char uid[128];
} entry;

/* Gateways by instance id (the part of conn before '-') and when they were last heard. */
typedef struct gateway {
    char id[32];
    int64_t seen;
} gateway;
static gateway gateways[MAX_GATEWAYS];
static int ngateways;

static entry *entries;
static size_t nentries, cap;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void remove_at(size_t i) {
    memmove(&entries[i], &entries[i + 1], (nentries - i - 1) * sizeof *entries);
    nentries--;
}

static size_t id_len(const char *conn) { return strcspn(conn, "-"); }

/* Marks the gateway of conn (or a bare instance id) alive. 1 if it was known. Lock held. */
static int touch_gateway(const char *conn) {
    size_t n = id_len(conn);
    if (n == 0 || n >= sizeof gateways[0].id) return 1;
    for (int i = 0; i < ngateways; i++)
        if (strlen(gateways[i].id) == n && !strncmp(gateways[i].id, conn, n)) {
            gateways[i].seen = mono_ms();
            return 1;
        }
    if (ngateways < MAX_GATEWAYS) {
        memcpy(gateways[ngateways].id, conn, n);
        gateways[ngateways].id[n] = 0;
        gateways[ngateways++].seen = mono_ms();
    }
    return 0;
}

/* Forgets gateways not heard of for the TTL, with their sockets. Lock held. */
static void expire_gateways(void) {
    int64_t limit = mono_ms() - cfg_int("PRESENCE_TTL_MS", 30000);
    for (int g = ngateways; g > 0; g--) {
        gateway *gw = &gateways[g - 1];
        if (gw->seen >= limit) continue;
        size_t n = strlen(gw->id);
        for (size_t i = nentries; i > 0; i--)
            if (id_len(entries[i - 1].conn) == n && !strncmp(entries[i - 1].conn, gw->id, n))
                remove_at(i - 1);
        *gw = gateways[--ngateways];
    }
}

static int add(int64_t sid, const char *conn, const char *uid) {
    for (size_t i = 0; i < nentries; i++)
        if (entries[i].space_id == sid && !strcmp(entries[i].conn, conn)) return 0;
    if (nentries == cap) {
        size_t ncap = cap ? cap * 2 : 256;
        entry *n = realloc(entries, ncap * sizeof *n);
        if (!n) return -1;
        entries = n;
        cap = ncap;
    }
    entry *e = &entries[nentries++];
    e->space_id = sid;
    snprintf(e->conn, sizeof e->conn, "%s", conn);
    snprintf(e->uid, sizeof e->uid, "%s", uid);
    return 0;
}

static void drop(int64_t sid, const char *conn) {
    for (size_t i = 0; i < nentries; i++)
        if (entries[i].space_id == sid && !strcmp(entries[i].conn, conn)) { remove_at(i); return; }
}

/* Distinct users of the space in order of arrival. Call with the lock held. */
static json_t *online_users(int64_t sid) {
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < nentries; i++) {
        if (entries[i].space_id != sid) continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = entries[j].space_id == sid && !strcmp(entries[j].uid, entries[i].uid);
        if (!seen) json_array_append_new(ids, json_string(entries[i].uid));
    }
    return ids;
}

static json_t *presence_frame(int64_t sid) {
    json_t *ids = online_users(sid);
    return ids ? json_pack("{s:s,s:o,s:i}", "event", "presence", "online_user_ids", ids,
                           "online_count", (int)json_array_size(ids))
               : NULL;
}

void chat_presence_forget_space(int64_t sid) {
    pthread_mutex_lock(&lock);
    for (size_t i = nentries; i > 0; i--)
        if (entries[i - 1].space_id == sid) remove_at(i - 1);
    pthread_mutex_unlock(&lock);
}

void chat_presence_forget_user(int64_t sid, const char *uid) {
    pthread_mutex_lock(&lock);
    for (size_t i = nentries; i > 0; i--)
        if (entries[i - 1].space_id == sid && !strcmp(entries[i - 1].uid, uid)) remove_at(i - 1);
    pthread_mutex_unlock(&lock);
}

static void publish_typing(int64_t sid, const char *uid, int typing) {
    json_t *f = json_pack("{s:s,s:s,s:b}", "event", "typing", "user_id", uid, "typing", typing);
    chat_events_frame(sid, f, 0);
    json_decref(f);
}

/* {space_id, conn, online}: the caller (uid) opened or closed one socket. */
int chat_presence(svc_call *c, json_t **out) {
    int64_t sid;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    const char *conn = NULL;
    int online = 1;
    if (arg_str(c->args, "conn", &conn) != 1 || !*conn || strlen(conn) >= sizeof(((entry *)0)->conn))
        return rpc_fail(out, 400, "conn参数无效");
    if (arg_bool(c->args, "online", &online) < 0) return rpc_fail(out, 400, "online参数无效");
    if (strlen(c->meta.uid) >= sizeof(((entry *)0)->uid)) return rpc_fail(out, 400, "用户ID过长");
    pthread_mutex_lock(&lock);
    touch_gateway(conn);
    expire_gateways();
    int rc = online ? add(sid, conn, c->meta.uid) : (drop(sid, conn), 0);
    json_t *frame = rc ? NULL : presence_frame(sid);
    pthread_mutex_unlock(&lock);
    if (!frame) return rpc_fail(out, 500, "在线状态更新失败");
    if (!online) publish_typing(sid, c->meta.uid, 0);
    chat_events_frame(sid, frame, 0);
    return rpc_ok(out, frame);
}

/* {space_id, typing}: relayed to everyone in the space, sender included. */
int chat_typing(svc_call *c, json_t **out) {
    int64_t sid;
    int st = chat_space_arg(c, &sid, out);
    if (st) return st;
    int typing;
    if (arg_bool(c->args, "typing", &typing) != 1) return rpc_fail(out, 400, "typing参数无效");
    publish_typing(sid, c->meta.uid, typing);
    return rpc_ok(out, json_pack("{s:b}", "success", 1));
}

/* {gw}: a gateway's heartbeat. Reply {known}: false asks it to announce its sockets. */
int chat_presence_alive(svc_call *c, json_t **out) {
    const char *gw = NULL;
    if (arg_str(c->args, "gw", &gw) != 1 || !*gw || strchr(gw, '-') || strlen(gw) >= sizeof gateways[0].id)
        return rpc_fail(out, 400, "gw参数无效");
    pthread_mutex_lock(&lock);
    int known = touch_gateway(gw);
    expire_gateways();
    pthread_mutex_unlock(&lock);
    return rpc_ok(out, json_pack("{s:b}", "known", known));
}
