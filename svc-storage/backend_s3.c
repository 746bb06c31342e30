/* S3-compatible backend (Tencent COS, MinIO, s3rver...) over libcurl with its built-in SigV4
 * signing (CURLOPT_AWS_SIGV4 "aws:amz:<region>:s3"). Uploads stream from the session's temp
 * file (CURLOPT_UPLOAD + READDATA): memory stays bounded whatever the size.
 * Env: S3_ENDPOINT (http[s]://host[:port]), S3_BUCKET, S3_REGION (default us-east-1),
 * S3_ACCESS_KEY, S3_SECRET_KEY, S3_PATH_STYLE (default 1; 0 = https://<bucket>.<host>/key),
 * S3_TIMEOUT_S (default 60). */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "storage.h"
#include "../common/config.h"
#include "../common/log.h"

static int object_url(char *buf, size_t n, const char *key) {
    const char *ep = cfg_str("S3_ENDPOINT", ""), *bucket = cfg_str("S3_BUCKET", "");
    size_t el = strlen(ep);
    while (el > 0 && ep[el - 1] == '/') el--;
    int w;
    if (cfg_bool("S3_PATH_STYLE", 1)) {
        w = snprintf(buf, n, "%.*s/%s/%s", (int)el, ep, bucket, key);
    } else {
        const char *host = strstr(ep, "://");
        int sl = host ? (int)(host - ep) + 3 : 0;
        w = snprintf(buf, n, "%.*s%s.%.*s/%s", sl, ep, bucket, (int)el - sl, ep + sl, key);
    }
    return w > 0 && (size_t)w < n ? 0 : -1;
}

/* A curl handle with URL, signing and timeouts set; headers list returned for freeing. */
static CURL *s3_handle(const char *key, struct curl_slist **headers, char *err) {
    char url[4400], sig[160], creds[600];
    if (object_url(url, sizeof url, key) != 0) return NULL;
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    snprintf(sig, sizeof sig, "aws:amz:%s:s3", cfg_str("S3_REGION", "us-east-1"));
    snprintf(creds, sizeof creds, "%s:%s", cfg_str("S3_ACCESS_KEY", ""), cfg_str("S3_SECRET_KEY", ""));
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sig);
    curl_easy_setopt(h, CURLOPT_USERPWD, creds);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg_int("S3_TIMEOUT_S", 60));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    *headers = curl_slist_append(NULL, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
    return h;
}

static size_t discard_body(char *p, size_t sz, size_t n, void *u) { return sz * n; }

/* Perform; map transport errors to 503 and HTTP status to ours. */
static int s3_perform(CURL *h, const char *what, const char *key, char *err, long *http) {
    CURLcode rc = curl_easy_perform(h);
    *http = 0;
    if (rc != CURLE_OK) {
        LOG_WARN(NULL, "s3 %s %s: %s", what, key, err[0] ? err : curl_easy_strerror(rc));
        return 503;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, http);
    return 0;
}

static int s3_put(const char *key, const char *path, int64_t size, const char *mime) {
    char err[CURL_ERROR_SIZE] = "", ctype[160];
    struct curl_slist *hd = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return 500;
    CURL *h = s3_handle(key, &hd, err);
    if (!h) { fclose(f); return 500; }
    snprintf(ctype, sizeof ctype, "Content-Type: %s", mime);
    hd = curl_slist_append(hd, ctype);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READDATA, f);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
    long http;
    int st = s3_perform(h, "PUT", key, err, &http);
    curl_easy_cleanup(h);
    curl_slist_free_all(hd);
    fclose(f);
    if (st) return st;
    if (http / 100 != 2) {
        LOG_WARN(NULL, "s3 PUT %s: HTTP %ld", key, http);
        return 503;
    }
    unlink(path);
    return 0;
}

typedef struct { char *buf; size_t len, got; } sink;
static size_t to_sink(char *p, size_t sz, size_t n, void *u) {
    sink *s = u;
    size_t k = sz * n, room = s->len - s->got;
    if (k > room) k = room;   /* servers that ignore Range: keep only what was asked */
    memcpy(s->buf + s->got, p, k);
    s->got += k;
    return sz * n;
}

static int s3_get(const char *key, int64_t offset, size_t len, char *buf, size_t *got) {
    char err[CURL_ERROR_SIZE] = "", range[64];
    struct curl_slist *hd = NULL;
    *got = 0;
    if (len == 0) return 0;
    CURL *h = s3_handle(key, &hd, err);
    if (!h) return 500;
    snprintf(range, sizeof range, "%lld-%lld", (long long)offset, (long long)offset + (long long)len - 1);
    curl_easy_setopt(h, CURLOPT_RANGE, range);
    sink s = {buf, len, 0};
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    long http;
    int st = s3_perform(h, "GET", key, err, &http);
    curl_easy_cleanup(h);
    curl_slist_free_all(hd);
    if (st) return st;
    if (http == 404) return 404;
    if (http == 416) return 0;   /* offset at or past the end: nothing more */
    if (http / 100 != 2) return 503;
    *got = s.got;
    return 0;
}

static int s3_del(const char *key) {
    char err[CURL_ERROR_SIZE] = "";
    struct curl_slist *hd = NULL;
    CURL *h = s3_handle(key, &hd, err);
    if (!h) return 500;
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
    long http;
    int st = s3_perform(h, "DELETE", key, err, &http);
    curl_easy_cleanup(h);
    curl_slist_free_all(hd);
    if (st) return st;
    return http / 100 == 2 || http == 404 ? 0 : 503;
}

const storage_backend storage_backend_s3 = {"s3", s3_put, s3_get, s3_del};
