/* Registers the upload module's special handlers with the gateway core. */
#include <stdlib.h>
#include <string.h>
#include "upload.h"
#include "../common/config.h"

int64_t upload_body_limit(void) {
    long mb = cfg_int("STORAGE_MAX_MEDIA_MB", 100), img = cfg_int("STORAGE_MAX_IMAGE_MB", 50);
    if (img > mb) mb = img;
    return ((int64_t)mb + 1) * 1024 * 1024;
}

int upload_key_shard(const char *key) {
    size_t n = strlen(key);
    if (n == 0 || n > 80 || strstr(key, "..") || key[0] == '/') return -1;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.')) return -1;
    }
    const char *p = strchr(key, '/');
    if (!p) return -1;
    long long sid = strtoll(p + 1, NULL, 10);
    rpc_client *c = gw_client(SVC_STORAGE);
    return sid > 0 && c ? rpc_shard_for_space(c, sid) : 0;
}

int upload_module_init(void) {
    gw_register_special("POST", "/api/upload", 1, upload_post_handler, upload_post_cleanup);
    gw_register_special("GET", "/files/", 0, upload_files_handler, upload_files_cleanup);
    return 0;
}

void upload_module_shutdown(void) {}
