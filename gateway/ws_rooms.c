/* space_id -> the sockets of this gateway in that space. Loop thread only (no locks). */
#include <stdlib.h>
#include "ws.h"

#define ROOM_BUCKETS 4096

typedef struct room {
    struct room *next;
    int64_t space_id;
    struct ws_conn **v;
    size_t n, cap;
} room;

static room *buckets[ROOM_BUCKETS];

static room **slot_of(int64_t sid) {
    room **r = &buckets[(uint64_t)sid % ROOM_BUCKETS];
    while (*r && (*r)->space_id != sid) r = &(*r)->next;
    return r;
}

void ws_rooms_add(int64_t sid, struct ws_conn *c) {
    room **pr = slot_of(sid), *r = *pr;
    if (!r) {
        if (!(r = calloc(1, sizeof *r))) return;
        r->space_id = sid;
        *pr = r;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4;
        struct ws_conn **v = realloc(r->v, cap * sizeof *v);
        if (!v) return;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = c;
}

void ws_rooms_remove(int64_t sid, struct ws_conn *c) {
    room **pr = slot_of(sid), *r = *pr;
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->v[i] != c) continue;
        r->v[i] = r->v[--r->n];
        break;
    }
    if (r->n == 0) {
        *pr = r->next;
        free(r->v);
        free(r);
    }
}

void ws_rooms_each(int64_t sid, void (*fn)(struct ws_conn *c, void *arg), void *arg) {
    room *r = *slot_of(sid);
    if (!r) return;
    /* Backwards: fn may remove the current socket (swap with the last, already visited).
     * When the last socket leaves, the room is freed: stop then. */
    for (size_t i = r->n; i > 0; i--) {
        size_t before = r->n;
        if (i - 1 >= r->n) continue;
        fn(r->v[i - 1], arg);
        if (before == 1 && !*slot_of(sid)) return;
    }
}
