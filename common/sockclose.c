/* See sockclose.h: each close runs on a detached helper thread; the caller waits for all
 * of them up to a deadline. The shared record is freed by whoever leaves it last. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include "sockclose.h"
#include "log.h"

/* Set once a close got stuck: nng's single reaper thread is then blocked, so every later
 * close in this process would wait the whole bound too. They are handed off unwaited. */
static atomic_int reaper_blocked;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    int pending;          /* closes not finished yet */
    atomic_int refs;      /* the caller + one per helper thread */
} close_batch;

typedef struct {
    close_batch *b;
    nng_socket sock;
} close_job;

static void batch_release(close_batch *b) {
    if (atomic_fetch_sub(&b->refs, 1) == 1) {
        pthread_mutex_destroy(&b->lock);
        pthread_cond_destroy(&b->done_cv);
        free(b);
    }
}

static void *closer_main(void *arg) {
    close_job *j = arg;
    nng_close(j->sock);
    pthread_mutex_lock(&j->b->lock);
    j->b->pending--;
    pthread_cond_broadcast(&j->b->done_cv);
    pthread_mutex_unlock(&j->b->lock);
    batch_release(j->b);
    free(j);
    return NULL;
}

int sock_close_all(const nng_socket *socks, int n, int bound_ms, const char *what) {
    close_batch *b = calloc(1, sizeof *b);
    if (!b) {                                   /* no memory: close in place, unbounded */
        for (int i = 0; i < n; i++) nng_close(socks[i]);
        return 0;
    }
    pthread_mutex_init(&b->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    atomic_store(&b->refs, 1);
    for (int i = 0; i < n; i++) {
        close_job *j = malloc(sizeof *j);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (j) {
            j->b = b;
            j->sock = socks[i];
            pthread_mutex_lock(&b->lock);
            b->pending++;
            pthread_mutex_unlock(&b->lock);
            atomic_fetch_add(&b->refs, 1);
        }
        if (!j || pthread_create(&t, &attr, closer_main, j)) {
            if (j) {                            /* undo, then close in place */
                pthread_mutex_lock(&b->lock);
                b->pending--;
                pthread_mutex_unlock(&b->lock);
                atomic_fetch_sub(&b->refs, 1);
                free(j);
            }
            nng_close(socks[i]);
        }
        pthread_attr_destroy(&attr);
    }
    if (atomic_load(&reaper_blocked)) bound_ms = 0;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += bound_ms / 1000;
    deadline.tv_nsec += (long)(bound_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&b->lock);
    while (b->pending > 0)
        if (pthread_cond_timedwait(&b->done_cv, &b->lock, &deadline) == ETIMEDOUT) break;
    int stuck = b->pending;
    pthread_mutex_unlock(&b->lock);
    batch_release(b);
    if (stuck) {
        atomic_store(&reaper_blocked, 1);
        LOG_WARN(NULL, "%s: %d socket close(s) still stuck after %d ms (nng close race); "
                       "left to finish on their own", what, stuck, bound_ms);
    }
    return stuck;
}
