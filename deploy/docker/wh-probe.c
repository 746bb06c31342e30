/* wh-probe: the one helper inside every image (FROM scratch has no shell, no curl).
 *
 *   wh-probe http [HOST:]PORT PATH      GET http://HOST:PORT/PATH, exit 0 on status 200
 *   wh-probe rpc URL                    nng REQ "health" to URL, exit 0 on st 200
 *   wh-probe svc NAME                   rpc to item SHARD_INDEX of $NAME_RPC_URL
 *                                       (a 0.0.0.0 host, or any host when WH_BIND_ANY=1,
 *                                        is dialled as 127.0.0.1)
 *   wh-probe exec [--bind VAR]... -- PROG ARGS...
 *                                       entrypoint wrapper: SHARD_INDEX=auto (or unset with
 *                                       SHARD_FROM_HOSTNAME=1) becomes the numeric suffix of
 *                                       the hostname (StatefulSet pod "svc-chat-3" -> 3);
 *                                       with WH_BIND_ANY=1 item SHARD_INDEX of each --bind
 *                                       list gets host 0.0.0.0 (listen on every interface,
 *                                       no DNS needed before the pod is ready). Then execv.
 *
 * Statically linked (nng + mbedtls archives); the msgpack envelope is written by hand:
 * request {m:"health", cid:u64, a:{}}, reply {st:int, b:...}. Timeouts 2 s. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int usage(void) {
    fprintf(stderr, "usage: wh-probe http [HOST:]PORT PATH | rpc URL | svc NAME | "
                    "exec [--bind VAR]... -- PROG ARGS...\n");
    return 2;
}

/* ---------- HTTP GET ---------- */
static int probe_http(const char *hostport, const char *path) {
    char host[256] = "127.0.0.1", port[16];
    const char *colon = strrchr(hostport, ':');
    if (colon) {
        snprintf(host, sizeof host, "%.*s", (int)(colon - hostport), hostport);
        snprintf(port, sizeof port, "%s", colon + 1);
    } else {
        snprintf(port, sizeof port, "%s", hostport);
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "wh-probe: http host must be an IPv4 address\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 1;
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        perror("wh-probe: connect");
        close(fd);
        return 1;
    }
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: wh-probe\r\n"
                     "Connection: close\r\n\r\n", path, host);
    if (write(fd, req, (size_t)n) != n) { close(fd); return 1; }
    char buf[64] = {0};
    size_t got = 0;
    while (got < 12) {
        ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got >= 12 && !strncmp(buf, "HTTP/1.", 7) && !strncmp(buf + 9, "200", 3)) return 0;
    fprintf(stderr, "wh-probe: %s -> %.12s\n", path, got ? buf : "(no answer)");
    return 1;
}

/* ---------- nng health RPC ---------- */
static size_t mp_str(uint8_t *p, const char *s) {
    size_t n = strlen(s);
    p[0] = (uint8_t)(0xa0 | n);
    memcpy(p + 1, s, n);
    return n + 1;
}

/* Reads an unsigned/signed msgpack integer at *p; returns 0 ok. */
static int mp_int(const uint8_t *p, size_t len, long *v) {
    if (!len) return -1;
    uint8_t t = p[0];
    if (t <= 0x7f) { *v = t; return 0; }
    if (t >= 0xe0) { *v = (int8_t)t; return 0; }
    if (t == 0xcc && len >= 2) { *v = p[1]; return 0; }
    if (t == 0xcd && len >= 3) { *v = (p[1] << 8) | p[2]; return 0; }
    if ((t == 0xce || t == 0xd2) && len >= 5) {
        *v = (long)(((uint32_t)p[1] << 24) | (p[2] << 16) | (p[3] << 8) | p[4]);
        return 0;
    }
    if (t == 0xd0 && len >= 2) { *v = (int8_t)p[1]; return 0; }
    if (t == 0xd1 && len >= 3) { *v = (int16_t)((p[1] << 8) | p[2]); return 0; }
    return -1;
}

static int probe_rpc(const char *url) {
    nng_socket s;
    int rv;
    if ((rv = nng_req0_open(&s))) goto fail;
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 2000);
    nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 2000);
    nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, 1000);
    if ((rv = nng_dial(s, url, NULL, 0))) goto fail;
    uint8_t req[64];
    size_t n = 0;
    req[n++] = 0x83;                        /* map of 3 */
    n += mp_str(req + n, "m");
    n += mp_str(req + n, "health");
    n += mp_str(req + n, "cid");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t cid = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 16);
    req[n++] = 0xcf;
    for (int i = 7; i >= 0; i--) req[n++] = (uint8_t)(cid >> (i * 8));
    n += mp_str(req + n, "a");
    req[n++] = 0x80;                        /* empty map */
    if ((rv = nng_send(s, req, n, 0))) goto fail;
    char *buf = NULL;
    size_t len = 0;
    if ((rv = nng_recv(s, &buf, &len, NNG_FLAG_ALLOC))) goto fail;
    /* find the key "st" (fixstr 0xa2 's' 't') and read the integer after it */
    long st = -1;
    const uint8_t *b = (const uint8_t *)buf;
    for (size_t i = 0; i + 3 < len; i++)
        if (b[i] == 0xa2 && b[i + 1] == 's' && b[i + 2] == 't' && !mp_int(b + i + 3, len - i - 3, &st))
            break;
    nng_free(buf, len);
    nng_close(s);
    if (st == 200) return 0;
    fprintf(stderr, "wh-probe: %s health st=%ld\n", url, st);
    return 1;
fail:
    fprintf(stderr, "wh-probe: %s: %s\n", url, nng_strerror(rv));
    return 1;
}

/* Item idx of a comma list into buf. */
static int list_item(const char *list, int idx, char *buf, size_t n) {
    const char *p = list;
    for (int i = 0; i < idx; i++) {
        p = strchr(p, ',');
        if (!p) return -1;
        p++;
    }
    size_t l = strcspn(p, ",");
    while (l && p[l - 1] == ' ') l--;
    while (*p == ' ' && l) { p++; l--; }
    if (!l || l >= n) return -1;
    memcpy(buf, p, l);
    buf[l] = 0;
    return 0;
}

/* tcp://HOST:PORT -> tcp://NEWHOST:PORT (in place, buf of size n). Others unchanged. */
static void set_host(char *url, size_t n, const char *newhost) {
    if (strncmp(url, "tcp://", 6)) return;
    const char *colon = strrchr(url + 6, ':');
    if (!colon) return;
    char port[16];
    snprintf(port, sizeof port, "%s", colon + 1);
    snprintf(url + 6, n - 6, "%s:%s", newhost, port);
}

static int env_true(const char *name) {
    const char *v = getenv(name);
    return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

/* SHARD_INDEX=auto (or unset with SHARD_FROM_HOSTNAME=1): the hostname's -N suffix, the
 * StatefulSet pod ordinal. Sets SHARD_INDEX in this process's environment. 0 ok, -1 error. */
static int resolve_shard_index(void) {
    const char *si = getenv("SHARD_INDEX");
    if (!((si && !strcmp(si, "auto")) || (!si && env_true("SHARD_FROM_HOSTNAME")))) return 0;
    char host[256] = {0};
    const char *h = getenv("HOSTNAME");
    if (h) snprintf(host, sizeof host, "%s", h);
    else gethostname(host, sizeof host - 1);
    char *dot = strchr(host, '.');
    if (dot) *dot = 0;
    char *dash = strrchr(host, '-');
    if (!dash || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1)) {
        fprintf(stderr, "wh-probe: SHARD_INDEX=auto but hostname %s has no -N suffix\n", host);
        return -1;
    }
    setenv("SHARD_INDEX", dash + 1, 1);
    return 0;
}

static int probe_svc(const char *name) {
    char env[64], url[512];
    snprintf(env, sizeof env, "%s_RPC_URL", name);
    if (resolve_shard_index()) return 2;
    const char *list = getenv(env);
    const char *si = getenv("SHARD_INDEX");
    int idx = si && *si >= '0' && *si <= '9' ? atoi(si) : 0;
    if (!list || list_item(list, idx, url, sizeof url)) {
        fprintf(stderr, "wh-probe: %s has no item %d\n", env, idx);
        return 2;
    }
    if (env_true("WH_BIND_ANY") || strstr(url, "//0.0.0.0:") || strstr(url, "//*:"))
        set_host(url, sizeof url, "127.0.0.1");
    return probe_rpc(url);
}

/* ---------- entrypoint wrapper ---------- */
static int do_exec(int argc, char **argv) {
    const char *binds[16];
    int nb = 0, i = 0;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        if (!strcmp(argv[i], "--bind") && i + 1 < argc && nb < 16) binds[nb++] = argv[++i];
        else return usage();
    }
    if (i >= argc) return usage();
    if (resolve_shard_index()) return 2;
    const char *si;
    if (env_true("WH_BIND_ANY")) {
        si = getenv("SHARD_INDEX");
        int idx = si ? atoi(si) : 0;
        for (int b = 0; b < nb; b++) {
            const char *list = getenv(binds[b]);
            if (!list) continue;
            /* rebuild the list with item idx rewritten */
            char out[4096] = "", item[512];
            size_t used = 0;
            for (int k = 0; list_item(list, k, item, sizeof item) == 0; k++) {
                if (k == idx) set_host(item, sizeof item, "0.0.0.0");
                used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", k ? "," : "", item);
                if (used >= sizeof out) return 2;
            }
            setenv(binds[b], out, 1);
        }
    }
    execv(argv[i], argv + i);
    perror("wh-probe: exec");
    return 127;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    if (!strcmp(argv[1], "http") && argc == 4) return probe_http(argv[2], argv[3]);
    if (!strcmp(argv[1], "rpc") && argc == 3) return probe_rpc(argv[2]);
    if (!strcmp(argv[1], "svc") && argc == 3) return probe_svc(argv[2]);
    if (!strcmp(argv[1], "exec")) return do_exec(argc - 2, argv + 2);
    return usage();
}
