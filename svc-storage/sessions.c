/* Upload sessions: one temp file per upload under blobs/.tmp, chunks appended in order.
 * The table is small and guarded by one mutex; each session has its own lock so uploads
 * write in parallel. Sessions are reference-counted so a sweep never frees one in use. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "storage.h"
#include "../common/config.h"
#include "../common/log.h"
#include "../common/timeutil.h"

#define MAX_SESSIONS 256

struct storage_session {
    char id[33];
    char uid[130];
    char category[16];
    char path[4200];
    int64_t space_id, size, last_used;
    const storage_type *type;
    int fd, refs, removed;
    pthread_mutex_t lock;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static storage_session *table[MAX_SESSIONS];

int storage_sessions_init(void) {
    const char *dir = storage_tmp_dir();
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    char p[4200];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);    /* leftovers of a crash: sessions never survive a restart */
    }
    closedir(d);
    return 0;
}

static void session_free(storage_session *s) {
    if (s->fd >= 0) close(s->fd);
    unlink(s->path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

storage_session *storage_session_new(int64_t space_id, const char *uid, const char *category,
                                     char id[33]) {
    storage_session_sweep();
    storage_session *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (storage_random_hex(s->id) != 0) { free(s); return NULL; }
    snprintf(s->uid, sizeof s->uid, "%s", uid ? uid : "");
    snprintf(s->category, sizeof s->category, "%s", category);
    snprintf(s->path, sizeof s->path, "%s/%s", storage_tmp_dir(), s->id);
    s->space_id = space_id;
    s->last_used = mono_ms();
    s->fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (s->fd < 0) {
        LOG_ERROR(NULL, "storage: temp file: %s", strerror(errno));
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_lock(&table_lock);
    int slot = -1;
    for (int i = 0; i < MAX_SESSIONS && slot < 0; i++)
        if (!table[i]) slot = i;
    if (slot >= 0) table[slot] = s;
    pthread_mutex_unlock(&table_lock);
    if (slot < 0) { session_free(s); return NULL; }
    memcpy(id, s->id, 33);
    return s;
}

storage_session *storage_session_acquire(const char *id) {
    storage_session *s = NULL;
    if (!id) return NULL;
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (table[i] && strcmp(table[i]->id, id) == 0) { s = table[i]; s->refs++; break; }
    pthread_mutex_unlock(&table_lock);
    if (s) {
        pthread_mutex_lock(&s->lock);
        s->last_used = mono_ms();
    }
    return s;
}

void storage_session_release(storage_session *s) {
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_lock(&table_lock);
    int last = --s->refs == 0 && s->removed;
    pthread_mutex_unlock(&table_lock);
    if (last) session_free(s);
}

/* Caller holds table_lock. Returns 1 when nobody holds it any more (caller frees). */
static int unlink_from_table(storage_session *s) {
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (table[i] == s) table[i] = NULL;
    s->removed = 1;
    return s->refs == 0;
}

void storage_session_discard(storage_session *s) {
    pthread_mutex_lock(&table_lock);
    unlink_from_table(s);   /* the caller holds a reference: freed at release */
    pthread_mutex_unlock(&table_lock);
    if (s->fd >= 0) { close(s->fd); s->fd = -1; }
    unlink(s->path);
}

void storage_session_sweep(void) {
    int64_t idle = cfg_int("STORAGE_SESSION_IDLE_S", 300) * 1000, now = mono_ms();
    storage_session *dead[MAX_SESSIONS];
    int n = 0;
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < MAX_SESSIONS; i++) {
        storage_session *s = table[i];
        if (s && s->refs == 0 && now - s->last_used > idle && unlink_from_table(s)) dead[n++] = s;
    }
    pthread_mutex_unlock(&table_lock);
    for (int i = 0; i < n; i++) session_free(dead[i]);
}

int64_t storage_session_size(const storage_session *s) { return s->size; }
int64_t storage_session_space(const storage_session *s) { return s->space_id; }
const char *storage_session_uid(const storage_session *s) { return s->uid; }
const char *storage_session_category(const storage_session *s) { return s->category; }
const char *storage_session_path(const storage_session *s) { return s->path; }
const storage_type *storage_session_type(const storage_session *s) { return s->type; }

int storage_session_append(storage_session *s, int64_t offset, const char *data, size_t len,
                           const char **detail) {
    if (s->fd < 0) { *detail = "上传已结束"; return 409; }
    if (offset != s->size) { *detail = "分片偏移不连续"; return 409; }
    if (len == 0) return 0;
    if (!s->type) {
        char mime[128];
        if (storage_detect_mime(data, len, mime, sizeof mime) != 0) {
            *detail = "文件类型识别失败";
            storage_session_discard(s);
            return 500;
        }
        s->type = storage_type_for_mime(mime);
        if (!s->type) {
            *detail = "不支持的文件类型";
            storage_session_discard(s);
            return 400;
        }
    }
    if (s->size + (int64_t)len > storage_limit_for(s->type)) {
        *detail = "文件过大";
        storage_session_discard(s);
        return 413;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(s->fd, data + done, len - done, s->size + done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            LOG_ERROR(NULL, "storage: temp write: %s", strerror(errno));
            *detail = errno == ENOSPC ? "存储空间不足" : "文件上传失败";
            storage_session_discard(s);
            return errno == ENOSPC ? 507 : 500;
        }
        done += (size_t)w;
    }
    /* start write-back now (asynchronously) so the fsync at commit has little left to do */
    sync_file_range(s->fd, s->size, (off_t)len, SYNC_FILE_RANGE_WRITE);
    s->size += (int64_t)len;
    return 0;
}

int storage_session_finish(storage_session *s) {
    if (s->fd < 0) return -1;
    int rc = close(s->fd);
    s->fd = -1;
    return rc;
}
