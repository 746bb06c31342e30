/* Prometheus text metrics: requests by route and status, latency histogram per route,
 * RPC transport errors per service. Lock-free counters. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gw_internal.h"

#define MAX_ROUTES 96
static const int statuses[] = {200, 400, 401, 403, 404, 405, 409, 413, 429, 500, 502, 503, 504, 0};
#define NSTATUS (int)(sizeof statuses / sizeof statuses[0])
static const double buckets_ms[] = {0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
#define NBUCKETS (int)(sizeof buckets_ms / sizeof buckets_ms[0])

static atomic_ullong requests[MAX_ROUTES + 1][NSTATUS];
static atomic_ullong hist[MAX_ROUTES + 1][NBUCKETS + 1];
static atomic_ullong sum_us[MAX_ROUTES + 1];
static atomic_ullong rpc_errors[SVC_COUNT];

static int row_of(int route_index) {
    return route_index >= 0 && route_index < MAX_ROUTES ? route_index : MAX_ROUTES;
}

void gw_metrics_observe(int route_index, int status, double millis) {
    int r = row_of(route_index), s = NSTATUS - 1;
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status) { s = i; break; }
    atomic_fetch_add(&requests[r][s], 1);
    int b = NBUCKETS;
    for (int i = 0; i < NBUCKETS; i++)
        if (millis <= buckets_ms[i]) { b = i; break; }
    atomic_fetch_add(&hist[r][b], 1);
    atomic_fetch_add(&sum_us[r], (unsigned long long)(millis * 1000));
}

void gw_metrics_rpc_error(gw_service s) {
    if (s < SVC_COUNT) atomic_fetch_add(&rpc_errors[s], 1);
}

typedef struct { char *buf; size_t len, cap; } text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (t->buf && t->len + (size_t)n < t->cap) { t->len += (size_t)n; return; }
        size_t cap = (t->cap ? t->cap * 2 : 16384) + (size_t)n;
        char *grown = realloc(t->buf, cap);
        if (!grown) return;
        t->buf = grown;
        t->cap = cap;
    }
}

static void route_label(int r, char *buf, size_t n) {
    if (r == MAX_ROUTES) snprintf(buf, n, "other");
    else snprintf(buf, n, "%s %s", gw_route_at(r)->method, gw_route_at(r)->path);
}

char *gw_metrics_render(void) {
    text t = {0};
    int nroutes = gw_route_count() < MAX_ROUTES ? gw_route_count() : MAX_ROUTES;
    add(&t, "# HELP wormhole_http_requests_total HTTP requests by route and status.\n"
            "# TYPE wormhole_http_requests_total counter\n");
    for (int r = 0; r <= MAX_ROUTES; r++) {
        if (r >= nroutes && r != MAX_ROUTES) continue;
        char label[160];
        route_label(r, label, sizeof label);
        for (int s = 0; s < NSTATUS; s++) {
            unsigned long long v = atomic_load(&requests[r][s]);
            if (!v) continue;
            if (statuses[s]) add(&t, "wormhole_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", label, statuses[s], v);
            else add(&t, "wormhole_http_requests_total{route=\"%s\",status=\"other\"} %llu\n", label, v);
        }
    }
    add(&t, "# HELP wormhole_http_request_duration_seconds Request latency by route.\n"
            "# TYPE wormhole_http_request_duration_seconds histogram\n");
    for (int r = 0; r <= MAX_ROUTES; r++) {
        if (r >= nroutes && r != MAX_ROUTES) continue;
        unsigned long long total = 0;
        for (int b = 0; b <= NBUCKETS; b++) total += atomic_load(&hist[r][b]);
        if (!total) continue;
        char label[160];
        route_label(r, label, sizeof label);
        unsigned long long cum = 0;
        for (int b = 0; b < NBUCKETS; b++) {
            cum += atomic_load(&hist[r][b]);
            add(&t, "wormhole_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                label, buckets_ms[b] / 1000.0, cum);
        }
        add(&t, "wormhole_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", label, total);
        add(&t, "wormhole_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
            atomic_load(&sum_us[r]) / 1e6);
        add(&t, "wormhole_http_request_duration_seconds_count{route=\"%s\"} %llu\n", label, total);
    }
    add(&t, "# HELP wormhole_rpc_errors_total RPC transport failures by service.\n"
            "# TYPE wormhole_rpc_errors_total counter\n");
    for (int s = 0; s < SVC_COUNT; s++)
        add(&t, "wormhole_rpc_errors_total{service=\"%s\"} %llu\n", gw_service_name((gw_service)s),
            atomic_load(&rpc_errors[s]));
    return t.buf;
}
