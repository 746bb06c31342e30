/* SigV4 query-string presigned GET URLs (S3_PRESIGN=1), computed with OpenSSL: curl signs
 * requests it sends, not URLs handed to others. Algorithm: AWS "Authenticating Requests: Using
 * Query Parameters (AWS Signature Version 4)"; unit-tested against AWS's published example. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "storage.h"

static void hex(const unsigned char *in, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", in[i]);
}

static int hmac(const void *key, size_t klen, const char *msg, unsigned char out[32]) {
    unsigned int len = 32;
    return HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len)
               ? 0 : -1;
}

/* RFC 3986 encoding of everything but unreserved characters (and '/' when keep_slash). */
static int uri_encode(char *out, size_t n, const char *in, int keep_slash) {
    size_t o = 0;
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
        if (o + 4 >= n) return -1;
        if (plain) out[o++] = (char)c;
        else o += (size_t)sprintf(out + o, "%%%02X", c);
    }
    out[o] = 0;
    return 0;
}

int storage_s3_presign(char *buf, size_t n, const storage_presign_in *in) {
    const char *ep = in->endpoint, *sep = strstr(ep, "://");
    if (!sep || !in->bucket || !*in->bucket || !in->key) return -1;
    char scheme[16], host[512], uri[1200], ekey[1024], cred[600], ecred[1800], query[2400];
    size_t sl = (size_t)(sep - ep), hl = strlen(sep + 3);
    if (sl >= sizeof scheme) return -1;
    memcpy(scheme, ep, sl);
    scheme[sl] = 0;
    while (hl > 0 && sep[3 + hl - 1] == '/') hl--;
    if (uri_encode(ekey, sizeof ekey, in->key, 1) != 0) return -1;
    int w = in->path_style ? snprintf(host, sizeof host, "%.*s", (int)hl, sep + 3)
                           : snprintf(host, sizeof host, "%s.%.*s", in->bucket, (int)hl, sep + 3);
    if (w <= 0 || (size_t)w >= sizeof host) return -1;
    w = in->path_style ? snprintf(uri, sizeof uri, "/%s/%s", in->bucket, ekey)
                       : snprintf(uri, sizeof uri, "/%s", ekey);
    if (w <= 0 || (size_t)w >= sizeof uri) return -1;

    char amzdate[20], date[10];
    struct tm tm;
    time_t now = (time_t)in->now;
    gmtime_r(&now, &tm);
    strftime(amzdate, sizeof amzdate, "%Y%m%dT%H%M%SZ", &tm);
    strftime(date, sizeof date, "%Y%m%d", &tm);
    snprintf(cred, sizeof cred, "%s/%s/%s/s3/aws4_request", in->access_key, date, in->region);
    if (uri_encode(ecred, sizeof ecred, cred, 0) != 0) return -1;
    w = snprintf(query, sizeof query,
                 "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s&X-Amz-Date=%s"
                 "&X-Amz-Expires=%ld&X-Amz-SignedHeaders=host", ecred, amzdate, in->expires);
    if (w <= 0 || (size_t)w >= sizeof query) return -1;

    char canon[5000], sts[300], chash[65], sig[65];
    unsigned char d[32], k[32];
    w = snprintf(canon, sizeof canon, "GET\n%s\n%s\nhost:%s\n\nhost\nUNSIGNED-PAYLOAD", uri, query, host);
    if (w <= 0 || (size_t)w >= sizeof canon) return -1;
    SHA256((const unsigned char *)canon, strlen(canon), d);
    hex(d, 32, chash);
    snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/s3/aws4_request\n%s", amzdate, date,
             in->region, chash);
    char secret[300];
    if (snprintf(secret, sizeof secret, "AWS4%s", in->secret_key) >= (int)sizeof secret) return -1;
    if (hmac(secret, strlen(secret), date, k) || hmac(k, 32, in->region, k) ||
        hmac(k, 32, "s3", k) || hmac(k, 32, "aws4_request", k) || hmac(k, 32, sts, d))
        return -1;
    hex(d, 32, sig);
    w = snprintf(buf, n, "%s://%s%s?%s&X-Amz-Signature=%s", scheme, host, uri, query, sig);
    return w > 0 && (size_t)w < n ? 0 : -1;
}
