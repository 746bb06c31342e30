/* The URL handed to the client for a stored key (peer-api §5.6: the client prefixes its base
 * URL when the string starts with "/"): /files/<key> (gateway-served), S3_PUBLIC_BASE_URL/<key>,
 * or a SigV4 presigned GET URL with S3_PRESIGN=1 (expires: see docs/storage.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "storage.h"
#include "../common/config.h"

int storage_url_build(char *buf, size_t n, const char *base, const char *key) {
    int w;
    if (base && *base) {
        size_t bl = strlen(base);
        while (bl > 0 && base[bl - 1] == '/') bl--;
        w = snprintf(buf, n, "%.*s/%s", (int)bl, base, key);
    } else {
        w = snprintf(buf, n, "/files/%s", key);
    }
    return w > 0 && (size_t)w < n ? 0 : -1;
}

int storage_url_for(char *buf, size_t n, const char *key) {
    const char *base = NULL;
    if (storage_backend_current() == &storage_backend_s3) {
        if (cfg_bool("S3_PRESIGN", 0)) {
            long exp = cfg_int("S3_PRESIGN_EXPIRES_S", 604800);
            storage_presign_in in = {
                cfg_str("S3_ENDPOINT", ""), cfg_str("S3_BUCKET", ""), key,
                cfg_str("S3_REGION", "us-east-1"), cfg_str("S3_ACCESS_KEY", ""),
                cfg_str("S3_SECRET_KEY", ""), cfg_bool("S3_PATH_STYLE", 1),
                exp < 1 ? 1 : exp > 604800 ? 604800 : exp, (long long)time(NULL)};
            return storage_s3_presign(buf, n, &in);
        }
        base = cfg_str("S3_PUBLIC_BASE_URL", "");
    }
    return storage_url_build(buf, n, base, key);
}
