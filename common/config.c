#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "config.h"
#include "log.h"

const char *cfg_str(const char *env, const char *def) {
    const char *v = getenv(env);
    return (v && *v) ? v : def;
}

long cfg_int(const char *env, long def) {
    const char *v = getenv(env);
    if (!v || !*v) return def;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end) {
        LOG_WARN(NULL, "config %s=%s is not an integer; using %ld", env, v, def);
        return def;
    }
    return n;
}

int cfg_bool(const char *env, int def) {
    const char *v = getenv(env);
    if (!v || !*v) return def;
    return !strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
           !strcasecmp(v, "on");
}

/* mkdir -p */
static void make_dirs(const char *path) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') { *p = 0; mkdir(tmp, 0750); *p = '/'; }
    }
    mkdir(tmp, 0750);
}

static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;
static char data_dir[4096], run_dir[4096];

static void init_dirs(void) {
    snprintf(data_dir, sizeof data_dir, "%s", cfg_str("WORMHOLE_DATA_DIR", "./var/data"));
    snprintf(run_dir, sizeof run_dir, "%s", cfg_str("WORMHOLE_RUN_DIR", "./var/run"));
    make_dirs(data_dir);
    make_dirs(run_dir);
}

const char *cfg_data_dir(void) { pthread_once(&dirs_once, init_dirs); return data_dir; }
const char *cfg_run_dir(void) { pthread_once(&dirs_once, init_dirs); return run_dir; }

int cfg_data_path(char *buf, size_t n, const char *file) {
    int w = snprintf(buf, n, "%s/%s", cfg_data_dir(), file);
    return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* URLs are computed once per env name and kept for the life of the process. */
#define MAX_URLS 16
static struct { char env[48]; char *url; } urls[MAX_URLS];
static int nurls;
static pthread_mutex_t url_lock = PTHREAD_MUTEX_INITIALIZER;

const char *cfg_url(const char *env, const char *ipc_basename) {
    const char *result = NULL;
    pthread_mutex_lock(&url_lock);
    for (int i = 0; i < nurls; i++)
        if (!strcmp(urls[i].env, env)) { result = urls[i].url; break; }
    if (!result && nurls < MAX_URLS) {
        const char *v = getenv(env);
        char buf[4200];
        if (v && *v) snprintf(buf, sizeof buf, "%s", v);
        else snprintf(buf, sizeof buf, "ipc://%s/%s", cfg_run_dir(), ipc_basename);
        char *copy = strdup(buf);
        if (copy) {
            snprintf(urls[nurls].env, sizeof urls[nurls].env, "%s", env);
            urls[nurls].url = copy;
            nurls++;
            result = copy;
        }
    }
    pthread_mutex_unlock(&url_lock);
    return result ? result : "";
}

const char *cfg_rpc_urls(const char *name) {
    char env[48], base[48];
    snprintf(env, sizeof env, "%s_RPC_URL", name);
    snprintf(base, sizeof base, "%s.rpc", name);
    for (char *p = base; *p; p++) if (*p >= 'A' && *p <= 'Z') *p += 'a' - 'A';
    return cfg_url(env, base);
}

int cfg_list_item(const char *list, int index, char *buf, size_t n) {
    const char *p = list;
    for (int i = 0; i < index; i++) {
        p = strchr(p, ',');
        if (!p) return -1;
        p++;
    }
    size_t len = strcspn(p, ",");
    while (len && (*p == ' ')) { p++; len--; }
    while (len && p[len - 1] == ' ') len--;
    if (len == 0 || len >= n) return -1;
    memcpy(buf, p, len);
    buf[len] = 0;
    return 0;
}
