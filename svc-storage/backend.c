/* Backend selection (STORAGE_BACKEND=local|s3) and the local folder layout. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "storage.h"
#include "../common/config.h"
#include "../common/ids.h"
#include "../common/log.h"

static char blob_dir[4096], tmp_dir[4200];
static const storage_backend *current = &storage_backend_local;

const char *storage_blob_dir(void) { return blob_dir; }
const char *storage_tmp_dir(void) { return tmp_dir; }
const storage_backend *storage_backend_current(void) { return current; }

int storage_mkdirs_for(const char *path) {
    char p[4300];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST) return -1;
        *s = '/';
    }
    return 0;
}

int storage_backend_init(void) {
    const char *name = cfg_str("STORAGE_BACKEND", "local");
    if (strcmp(name, "local") == 0) current = &storage_backend_local;
    else if (strcmp(name, "s3") == 0) current = &storage_backend_s3;
    else {
        LOG_ERROR(NULL, "STORAGE_BACKEND must be local or s3, not %s", name);
        return -1;
    }
    if (cfg_data_path(blob_dir, sizeof blob_dir, "blobs") != 0) return -1;
    /* one temp folder per shard: a replica empties its own at start-up, never another's */
    snprintf(tmp_dir, sizeof tmp_dir, "%s/.tmp/%d/", blob_dir, shard_index());
    if (storage_mkdirs_for(tmp_dir) != 0) {
        LOG_ERROR(NULL, "storage: cannot create %s: %s", tmp_dir, strerror(errno));
        return -1;
    }
    tmp_dir[strlen(tmp_dir) - 1] = 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return -1;
    if (current == &storage_backend_s3 && (!*cfg_str("S3_ENDPOINT", "") || !*cfg_str("S3_BUCKET", ""))) {
        LOG_ERROR(NULL, "STORAGE_BACKEND=s3 needs S3_ENDPOINT and S3_BUCKET");
        return -1;
    }
    LOG_INFO(NULL, "storage backend %s", current->name);
    return storage_sessions_init();
}
