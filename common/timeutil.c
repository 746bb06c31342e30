#include <stdio.h>
#include <time.h>
#include "timeutil.h"

int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* gmtime_r never looks at TZ, so output does not depend on the server's zone. */
static void split(int64_t ms, struct tm *tm, int *millis) {
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    *millis = (int)(ms - (int64_t)secs * 1000);
    gmtime_r(&secs, tm);
}

void iso_utc(int64_t epoch_ms, char *buf, size_t n) {
    struct tm tm;
    int millis;
    split(epoch_ms, &tm, &millis);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void iso_utc_micro(int64_t epoch_ms, char *buf, size_t n) {
    struct tm tm;
    int millis;
    split(epoch_ms, &tm, &millis);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03d000", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}
