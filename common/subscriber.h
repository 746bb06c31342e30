/* A thread reading an nng SUB socket dialed to one or more publishers, with a periodic
 * tick. Used by the bus subscriber and by the gateway's event readers.
 *
 * The reader waits on an aio, so stopping is prompt and orderly: subscriber_stop stops
 * the aio (the wait ends at once), joins the reader, and only then closes the socket,
 * through sockclose (nng_close can hang when a message arrives at that moment). */
#ifndef WH_SUBSCRIBER_H
#define WH_SUBSCRIBER_H
#include <stddef.h>

typedef struct subscriber subscriber;
typedef struct subscriber_opts {
    const char *what;            /* for logs: "space bus", "chat events" */
    const char *urls;            /* comma-separated publisher URLs, one dialer each */
    /* Every message, on the reader thread. */
    void (*on_message)(const void *buf, size_t len, void *arg);
    /* On the reader thread: once at start, then every tick_ms (0 = never). */
    void (*on_tick)(void *arg);
    int tick_ms;
    /* A publisher (re)connected (on an nng thread; keep it short). May be NULL. */
    void (*on_connect)(int url_index, void *arg);
    void *arg;
    int recv_buffer;             /* messages queued before the SUB drops (0: nng default) */
} subscriber_opts;

subscriber *subscriber_start(const subscriber_opts *o);
/* Returns once the reader thread has left; no callback runs after that. NULL is a no-op. */
void subscriber_stop(subscriber *s);
#endif
