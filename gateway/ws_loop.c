/* The socket loop: one epoll thread owns every upgraded socket (ws_conn.c), the rooms
 * (ws_rooms.c) and the socket table below. Other threads post work (ws_commands.c) and
 * wake it through an eventfd. Every TICK_MS it runs the timers of every socket; every
 * WS_PRESENCE_ALIVE_MS it sends the presence heartbeat to svc-chat. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "ws_conn.h"
#include "../common/log.h"
#include "../common/timeutil.h"

#define WAKE_TAG UINT64_MAX
#define TICK_MS 250

static struct {
    int ep, wake;
    pthread_t thread;
    int running;
    atomic_int stopping, count;
    ws_conn **slots;           /* socket table: id = generation << 32 | slot */
    uint32_t *gens;
    int *free_slots, nfree;
} L;

int ws_loop_count(void) { return atomic_load(&L.count); }

/* ---------- socket table ---------- */
ws_conn *ws_table_get(uint64_t id) {
    uint32_t slot = (uint32_t)(id & 0xffffffffu);
    if (slot >= (uint32_t)ws_cfg.max_connections) return NULL;
    ws_conn *c = L.slots[slot];
    return c && c->id == id ? c : NULL;
}

int ws_table_insert(ws_conn *c) {
    if (L.nfree == 0) return -1;
    int slot = L.free_slots[--L.nfree];
    c->id = ((uint64_t)++L.gens[slot] << 32) | (uint32_t)slot;
    L.slots[slot] = c;
    atomic_fetch_add(&L.count, 1);
    return 0;
}

void ws_table_erase(ws_conn *c) {
    uint32_t slot = (uint32_t)(c->id & 0xffffffffu);
    L.slots[slot] = NULL;
    L.free_slots[L.nfree++] = (int)slot;
    atomic_fetch_sub(&L.count, 1);
}

void ws_table_each(void (*fn)(ws_conn *c, void *arg), void *arg) {
    for (int i = 0; i < ws_cfg.max_connections; i++)
        if (L.slots[i]) fn(L.slots[i], arg);
}

int ws_loop_watch(ws_conn *c, int op, int want_out) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | (want_out ? EPOLLOUT : 0),
                             .data.u64 = c->id};
    return epoll_ctl(L.ep, op, c->fd, &ev);
}

static void wake(void) {
    uint64_t one = 1;
    if (write(L.wake, &one, sizeof one) < 0 && errno != EAGAIN)
        LOG_WARN(NULL, "ws wake: %s", strerror(errno));
}

/* Late RPC callbacks after shutdown must not write to a closed (or reused) descriptor. */
void ws_loop_wake(void) {
    if (L.running && !atomic_load(&L.stopping)) wake();
}

/* ---------- the thread ---------- */
static void tick_one(ws_conn *c, void *arg) { ws_conn_tick(c, *(int64_t *)arg); }

static void *loop_main(void *arg) {
    struct epoll_event evs[256];
    int64_t next_tick = mono_ms() + TICK_MS, next_alive = 0;
    while (!atomic_load(&L.stopping)) {
        int n = epoll_wait(L.ep, evs, 256, TICK_MS);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 == WAKE_TAG) {
                uint64_t v;
                if (read(L.wake, &v, sizeof v) < 0 && errno != EAGAIN)
                    LOG_WARN(NULL, "ws wake read: %s", strerror(errno));
                ws_commands_run();
                continue;
            }
            ws_conn *c = ws_table_get(evs[i].data.u64);
            if (c) ws_conn_io(c);
        }
        int64_t now = mono_ms();
        if (now >= next_tick) {
            ws_table_each(tick_one, &now);
            next_tick = now + TICK_MS;
        }
        if (now >= next_alive) {
            ws_call_alive();
            next_alive = now + ws_cfg.alive_ms;
        }
    }
    return NULL;
}

int ws_loop_start(void) {
    int max = ws_cfg.max_connections;
    L.slots = calloc((size_t)max, sizeof *L.slots);
    L.gens = calloc((size_t)max, sizeof *L.gens);
    L.free_slots = calloc((size_t)max, sizeof *L.free_slots);
    if (!L.slots || !L.gens || !L.free_slots) return -1;
    for (int i = 0; i < max; i++) L.free_slots[i] = max - 1 - i;
    L.nfree = max;
    L.ep = epoll_create1(EPOLL_CLOEXEC);
    L.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = WAKE_TAG};
    if (L.ep < 0 || L.wake < 0 || epoll_ctl(L.ep, EPOLL_CTL_ADD, L.wake, &ev) ||
        pthread_create(&L.thread, NULL, loop_main, NULL)) {
        LOG_ERROR(NULL, "ws loop: %s", strerror(errno));
        return -1;
    }
    L.running = 1;
    return 0;
}

static void going_away(ws_conn *c, void *arg) {
    ws_conn_close(c, 1001, "going away");
    if (wslay_event_want_write(c->ctx)) wslay_event_send(c->ctx);
    ws_conn_destroy(c);
}

void ws_loop_stop(void) {
    if (!L.running) return;
    atomic_store(&L.stopping, 1);
    wake();
    pthread_join(L.thread, NULL);
    L.running = 0;
    ws_table_each(going_away, NULL);
    ws_commands_discard();
    close(L.ep);
    close(L.wake);
}
