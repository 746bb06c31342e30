/* Every daemon stops the same way: SIGTERM/SIGINT are blocked in all threads (call this
 * before starting any) and main takes them with stop_signals_wait. SIGPIPE is ignored. */
#ifndef WH_STOPSIGNALS_H
#define WH_STOPSIGNALS_H
#include <signal.h>
void stop_signals_block(sigset_t *set);
int stop_signals_wait(const sigset_t *set);   /* returns the signal taken */
#endif
