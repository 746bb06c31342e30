/* common/sockclose: closing a SUB while a publisher keeps sending returns within the
 * bound every time. The race runs in its own process (tests/tools/close_race.c): a stuck
 * nng close blocks nng's reaper for the rest of that process, and nng cannot be used
 * across fork(). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

/* Runs build/bin/close_race (next to this binary); its exit status, or -1 if it hung. */
static int run_close_race(const char *url) {
    char self[PATH_MAX], tool[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return -2;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (!slash) return -2;
    *slash = 0;
    snprintf(tool, sizeof tool, "%s/close_race", self);
    pid_t child = fork();
    if (child == 0) {
        execl(tool, tool, url, "30", "300", (char *)NULL);
        _exit(127);
    }
    if (child < 0) return -2;
    int status = 0;
    for (int waited = 0; waited < 30000; waited += 20) {
        if (waitpid(child, &status, WNOHANG) == child) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        usleep(20000);
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return -1;
}

TEST(socket_close_is_bounded_while_messages_arrive) {
    char url[128];
    snprintf(url, sizeof url, "ipc:///tmp/wh-unit-close-%d", (int)getpid());
    CHECK_EQ_INT(run_close_race(url), 0);
    CHECK_EQ_INT(run_close_race("tcp://127.0.0.1:0"), 0);
}
