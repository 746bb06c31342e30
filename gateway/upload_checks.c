/* Pure helpers of the upload module (no RPC, no MHD state): body limit, file key shape,
 * Range header parsing. Unit-tested in tests/unit/test_storage.c. */
#include <stdlib.h>
#include <string.h>
#include "upload.h"
#include "../common/config.h"

int64_t upload_body_limit(void) {
    long mb = cfg_int("STORAGE_MAX_MEDIA_MB", 100), img = cfg_int("STORAGE_MAX_IMAGE_MB", 50);
    if (img > mb) mb = img;
    return ((int64_t)mb + 1) * 1024 * 1024;
}

int upload_key_valid(const char *key) {
    size_t n = strlen(key);
    if (n == 0 || n > 80 || strstr(key, "..") || key[0] == '/') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.')) return 0;
    }
    const char *p = strchr(key, '/');
    return p && strtoll(p + 1, NULL, 10) > 0;
}

int upload_parse_range(const char *h, int64_t size, int64_t *from, int64_t *to) {
    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',')) return 0;
    const char *p = h + 6;
    char *end;
    if (*p == '-') {
        long long n = strtoll(p + 1, &end, 10);
        if (*end || end == p + 1 || n <= 0) return 0;
        if (size == 0) return -1;
        *from = n >= size ? 0 : size - n;
        *to = size - 1;
        return 1;
    }
    long long a = strtoll(p, &end, 10);
    if (end == p || *end != '-' || a < 0) return 0;
    p = end + 1;
    long long b = size - 1;
    if (*p) {
        b = strtoll(p, &end, 10);
        if (*end || b < a) return 0;
        if (b >= size) b = size - 1;
    }
    if (a >= size) return -1;
    *from = a;
    *to = b;
    return 1;
}

