/* Closing nng sockets without letting a library race hold the process.
 *
 * nng_close can hang forever when messages are arriving on the socket at that moment: the
 * pipe's receive restarts after the close, and nng's single reaper thread waits for it.
 * Reproduced with a SUB closed while a PUB (same or other process) keeps sending: nng
 * 1.5.2 (Debian 12) hangs over ipc:// and tcp:// within a few rounds; 1.12 still hangs
 * over ipc://. tests/tools/close_race.c keeps the reproduction. Nothing in a socket is
 * durable, so a close that has not finished within the bound is logged and left to its
 * helper thread; the process goes on (and exits normally when it is stopping). After one
 * stuck close the reaper is blocked, so later closes are handed off without waiting. */
#ifndef WH_SOCKCLOSE_H
#define WH_SOCKCLOSE_H
#include <nng/nng.h>

#define SOCK_CLOSE_MS 2000

/* Closes n sockets in parallel. Returns how many did not finish within bound_ms. */
int sock_close_all(const nng_socket *socks, int n, int bound_ms, const char *what);
static inline int sock_close(nng_socket s, const char *what) {
    return sock_close_all(&s, 1, SOCK_CLOSE_MS, what);
}
#endif
