#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <jansson.h>
#include "log.h"
#include "timeutil.h"

static char service[32] = "wormhole";
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void log_init(const char *service_name) {
    snprintf(service, sizeof service, "%s", service_name ? service_name : "wormhole");
}

/* One JSON object per line; jansson does the escaping so messages cannot break the format. */
void log_write(const char *level, const char *rid, const char *fmt, ...) {
    char msg[1024], ts[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    iso_utc_micro(now_ms(), ts, sizeof ts);
    json_t *o = json_object();
    if (!o) return;
    json_object_set_new(o, "ts", json_string(ts));
    json_object_set_new(o, "lvl", json_string(level));
    json_object_set_new(o, "svc", json_string(service));
    if (rid && *rid) json_object_set_new(o, "rid", json_string(rid));
    json_t *m = json_string(msg);
    json_object_set_new(o, "msg", m ? m : json_string("(invalid utf-8)"));
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line) return;
    pthread_mutex_lock(&lock);
    fputs(line, stderr);
    fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&lock);
    free(line);
}
