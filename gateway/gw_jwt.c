/* HS256 JSON Web Tokens with OpenSSL's HMAC: {"sub", "iat", "exp"}. */
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "gw_internal.h"
#include "../common/config.h"
#include "../common/log.h"

static char secret[512];
static long ttl_seconds;

static size_t b64url_encode(const unsigned char *in, size_t n, char *out) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = tbl[v >> 18 & 63];
        out[o++] = tbl[v >> 12 & 63];
        if (i + 1 < n) out[o++] = tbl[v >> 6 & 63];
        if (i + 2 < n) out[o++] = tbl[v & 63];
    }
    out[o] = 0;
    return o;
}

/* Returns decoded length or -1 on a character outside the url-safe alphabet. */
static long b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap) {
    unsigned v = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        int d = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
              : c >= '0' && c <= '9' ? c - '0' + 52 : c == '-' ? 62 : c == '_' ? 63 : -1;
        if (d < 0) return -1;
        v = v << 6 | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap) return -1;
            out[o++] = (unsigned char)(v >> bits & 0xff);
        }
    }
    return (long)o;
}

static void sign(const char *data, size_t n, const char *key, unsigned char mac[32]) {
    unsigned len = 32;
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)data, n, mac, &len);
}

int gw_auth_init(void) {
    const char *s = cfg_str("AUTH_JWT_SECRET", NULL);
    if (!s) {
        if (!cfg_bool("WORMHOLE_DEV_LOGIN", 0)) {
            LOG_ERROR(NULL, "AUTH_JWT_SECRET is required (only dev login may run without it)");
            return -1;
        }
        s = "wormhole-dev-only-secret";
        LOG_WARN(NULL, "AUTH_JWT_SECRET not set: using the dev-only secret");
    }
    snprintf(secret, sizeof secret, "%s", s);
    ttl_seconds = cfg_int("AUTH_TOKEN_TTL_DAYS", 30) * 86400;
    return 0;
}

long gw_token_ttl_seconds(void) { return ttl_seconds; }

static char *issue_with(const char *subject, long ttl, const char *key) {
    json_t *payload = json_pack("{s:s,s:I,s:I}", "sub", subject, "iat", (json_int_t)time(NULL),
                                "exp", (json_int_t)(time(NULL) + ttl));
    char *p = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    if (!p) return NULL;
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    size_t plen = strlen(p);
    char *tok = malloc(64 + (plen * 4) / 3 + 8 + 48);
    if (!tok) { free(p); return NULL; }
    size_t o = b64url_encode((const unsigned char *)header, sizeof header - 1, tok);
    tok[o++] = '.';
    o += b64url_encode((const unsigned char *)p, plen, tok + o);
    free(p);
    unsigned char mac[32];
    sign(tok, o, key, mac);
    tok[o++] = '.';
    b64url_encode(mac, 32, tok + o);
    return tok;
}

char *gw_token_issue(const char *subject, long ttl) { return issue_with(subject, ttl, secret); }

int gw_token_verify(const char *token, const char *key, char **sub) {
    *sub = NULL;
    if (!token || strlen(token) > 4096) return -1;
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.')) return -1;
    unsigned char buf[3072], mac[32], given[64];
    long n = b64url_decode(token, (size_t)(d1 - token), buf, sizeof buf - 1);
    if (n < 0) return -1;
    buf[n] = 0;
    json_t *h = json_loads((const char *)buf, 0, NULL);
    int alg_ok = h && json_is_string(json_object_get(h, "alg")) &&
                 !strcmp(json_string_value(json_object_get(h, "alg")), "HS256");
    json_decref(h);
    if (!alg_ok) return -1;
    sign(token, (size_t)(d2 - token), key, mac);
    if (b64url_decode(d2 + 1, strlen(d2 + 1), given, sizeof given) != 32 ||
        CRYPTO_memcmp(mac, given, 32))
        return -1;
    n = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), buf, sizeof buf - 1);
    if (n < 0) return -1;
    buf[n] = 0;
    json_t *p = json_loads((const char *)buf, 0, NULL);
    const json_t *s = json_object_get(p, "sub"), *exp = json_object_get(p, "exp");
    int rc = -1;
    if (json_is_string(s) && *json_string_value(s) && json_is_integer(exp)) {
        if (json_integer_value(exp) <= (json_int_t)time(NULL)) rc = -2;
        else { *sub = strdup(json_string_value(s)); rc = *sub ? 0 : -1; }
    }
    json_decref(p);
    return rc;
}

char *gw_token_subject(const char *token) {
    char *sub = NULL;
    return gw_token_verify(token, secret, &sub) == 0 ? sub : NULL;
}
