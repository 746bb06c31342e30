/* WebSocket fan-out latency probe for bench/chat.sh (plain C, no dependencies): opens N
 * sockets to /ws/chat/<space>, plus one sender; the sender sends M chat frames whose
 * client_id carries the send time (CLOCK_MONOTONIC, µs); every receiving socket records
 * receipt - send. Prints "p50_ms p99_ms receipts".
 * usage: chat_fanout <port> <space_id> <user_id> <token> <sockets> <messages> */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int open_ws(int port, const char *space, const char *uid, const char *token) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) { perror("connect"); exit(1); }
    char req[2048];
    int n = snprintf(req, sizeof req,
        "GET /ws/chat/%s?user_id=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n", space, uid, token);
    if (write(fd, req, (size_t)n) != n) { perror("write"); exit(1); }
    char head[4096];
    size_t got = 0;
    while (got < sizeof head - 1) {            /* byte by byte: no frame bytes swallowed */
        if (read(fd, head + got, 1) != 1) { perror("handshake"); exit(1); }
        got++;
        head[got] = 0;
        if (got >= 4 && !memcmp(head + got - 4, "\r\n\r\n", 4)) break;
    }
    if (strncmp(head, "HTTP/1.1 101", 12)) { fprintf(stderr, "rejected: %.40s\n", head); exit(1); }
    return fd;
}

static void send_text(int fd, const char *text) {
    size_t len = strlen(text);
    unsigned char frame[512];
    size_t h = 0;
    frame[h++] = 0x81;
    if (len < 126) frame[h++] = (unsigned char)(0x80 | len);
    else { frame[h++] = 0x80 | 126; frame[h++] = (unsigned char)(len >> 8); frame[h++] = (unsigned char)len; }
    memset(frame + h, 0, 4);                   /* zero mask: payload stays as is */
    h += 4;
    memcpy(frame + h, text, len);
    if (write(fd, frame, h + len) != (ssize_t)(h + len)) { perror("send"); exit(1); }
}

typedef struct conn { int fd; unsigned char buf[1 << 16]; size_t len; } conn;

static int cmp(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Consumes complete frames in c->buf; records latencies of our chat frames. */
static void parse(conn *c, int64_t *lat, size_t *nlat) {
    size_t off = 0;
    for (;;) {
        if (c->len - off < 2) break;
        unsigned char *p = c->buf + off;
        size_t plen = p[1] & 0x7f, h = 2;
        if (plen == 126) { if (c->len - off < 4) break; plen = (size_t)p[2] << 8 | p[3]; h = 4; }
        else if (plen == 127) { fprintf(stderr, "huge frame\n"); exit(1); }
        if (c->len - off < h + plen) break;
        const char *m = memmem(p + h, plen, "\"client_id\":\"fan_", 17);
        if (m && !memmem(p + h, plen, "\"event\"", 7))
            lat[(*nlat)++] = now_us() - strtoll(m + 17, NULL, 10);
        off += h + plen;
    }
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: %s port space uid token sockets messages\n", argv[0]); return 2; }
    int port = atoi(argv[1]), n = atoi(argv[5]), msgs = atoi(argv[6]);
    conn *cs = calloc((size_t)n, sizeof *cs);
    struct pollfd *pf = calloc((size_t)n, sizeof *pf);
    int64_t *lat = calloc((size_t)n * (size_t)msgs + 1, sizeof *lat);
    if (!cs || !pf || !lat) return 1;
    for (int i = 0; i < n; i++) {
        cs[i].fd = open_ws(port, argv[2], argv[3], argv[4]);
        pf[i] = (struct pollfd){.fd = cs[i].fd, .events = POLLIN};
    }
    int sender = open_ws(port, argv[2], argv[3], argv[4]);
    size_t nlat = 0, want = (size_t)n * (size_t)msgs;
    int sent = 0;
    int64_t next_send = now_us() + 300000, deadline = now_us() + 60000000;
    char text[256], sink[4096];
    while (nlat < want && now_us() < deadline) {
        if (sent < msgs && now_us() >= next_send) {
            snprintf(text, sizeof text, "{\"content\":\"fan %d\",\"message_type\":\"text\","
                     "\"client_id\":\"fan_%lld_%d\"}", sent, (long long)now_us(), sent);
            send_text(sender, text);
            sent++;
            next_send = now_us() + 20000;
        }
        while (recv(sender, sink, sizeof sink, MSG_DONTWAIT) > 0) {}    /* its own echoes */
        if (poll(pf, (nfds_t)n, 5) <= 0) continue;
        for (int i = 0; i < n; i++) {
            if (!(pf[i].revents & POLLIN)) continue;
            ssize_t r = read(cs[i].fd, cs[i].buf + cs[i].len, sizeof cs[i].buf - cs[i].len);
            if (r <= 0) { fprintf(stderr, "socket %d closed\n", i); return 1; }
            cs[i].len += (size_t)r;
            parse(&cs[i], lat, &nlat);
        }
    }
    if (nlat == 0) { fprintf(stderr, "no receipts\n"); return 1; }
    qsort(lat, nlat, sizeof *lat, cmp);
    printf("%.3f %.3f %zu\n", lat[nlat / 2] / 1000.0, lat[(nlat * 99) / 100 - (nlat >= 100)] / 1000.0, nlat);
    return nlat == want ? 0 : 1;
}
