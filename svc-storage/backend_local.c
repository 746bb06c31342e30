/* Local backend: blobs under $WORMHOLE_DATA_DIR/blobs/<key>. A put is fsync + rename of the
 * session's temp file (same file system), so a blob is either whole or absent. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "storage.h"
#include "../common/log.h"

static int blob_path(char *buf, size_t n, const char *key) {
    int w = snprintf(buf, n, "%s/%s", storage_blob_dir(), key);
    return w > 0 && (size_t)w < n ? 0 : -1;
}

static int local_put(const char *key, const char *path, int64_t size, const char *mime) {
    char dst[4300];
    if (blob_path(dst, sizeof dst, key) != 0 || storage_mkdirs_for(dst) != 0) return 500;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        if (fd >= 0) close(fd);
        return 500;
    }
    close(fd);
    if (rename(path, dst) != 0) {
        LOG_ERROR(NULL, "storage: rename: %s", strerror(errno));
        return 500;
    }
    return 0;
}

static int local_get(const char *key, int64_t offset, size_t len, char *buf, size_t *got) {
    char p[4300];
    *got = 0;
    if (blob_path(p, sizeof p, key) != 0) return 404;
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 404 : 500;
    while (*got < len) {
        ssize_t r = pread(fd, buf + *got, len - *got, offset + (int64_t)*got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { close(fd); return 500; }
        if (r == 0) break;
        *got += (size_t)r;
    }
    close(fd);
    return 0;
}

static int local_del(const char *key) {
    char p[4300];
    if (blob_path(p, sizeof p, key) != 0) return 0;
    if (unlink(p) != 0 && errno != ENOENT) return 500;
    return 0;
}

const storage_backend storage_backend_local = {"local", local_put, local_get, local_del};
