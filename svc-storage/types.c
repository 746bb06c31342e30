/* Allowed file types and their size limits. The type comes from libmagic on the first bytes
 * of the upload; the client's file name and part Content-Type are ignored. */
#include <magic.h>
#include <string.h>
#include "storage.h"
#include "../common/config.h"

static const storage_type types[] = {
    {"image/jpeg", "jpg", 1},
    {"image/png", "png", 1},
    {"image/gif", "gif", 1},
    {"image/webp", "webp", 1},
    {"video/mp4", "mp4", 0},
    {"video/quicktime", "mov", 0},
    {"video/webm", "webm", 0},
    {"audio/mpeg", "mp3", 0},
    {"audio/wav", "wav", 0},
    {"audio/mp4", "m4a", 0},
    {"audio/aac", "aac", 0},
};

/* libmagic spellings that mean one of the types above. */
static const struct { const char *magic, *canonical; } aliases[] = {
    {"audio/x-wav", "audio/wav"},
    {"audio/vnd.wave", "audio/wav"},
    {"audio/x-m4a", "audio/mp4"},
    {"audio/x-hx-aac-adts", "audio/aac"},
    {"audio/x-aac", "audio/aac"},
    {"audio/mp3", "audio/mpeg"},
    {"video/x-m4v", "video/mp4"},
};

const storage_type *storage_type_for_mime(const char *mime) {
    if (!mime) return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(mime, aliases[i].magic) == 0) { mime = aliases[i].canonical; break; }
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(mime, types[i].mime) == 0) return &types[i];
    return NULL;
}

const storage_type *storage_type_for_ext(const char *ext) {
    if (!ext) return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(ext, types[i].ext) == 0) return &types[i];
    return NULL;
}

/* libmagic handles are not thread-safe: one per worker thread, loaded on first use. */
static __thread magic_t thread_magic;

int storage_detect_mime(const void *data, size_t len, char *buf, size_t n) {
    if (!thread_magic) {
        magic_t m = magic_open(MAGIC_MIME_TYPE);
        if (!m) return -1;
        if (magic_load(m, NULL) != 0) { magic_close(m); return -1; }
        thread_magic = m;
    }
    const char *r = magic_buffer(thread_magic, data, len);
    if (!r || strlen(r) >= n) return -1;
    strcpy(buf, r);
    return 0;
}

int64_t storage_limit_for(const storage_type *t) {
    long mb = t && t->is_image ? cfg_int("STORAGE_MAX_IMAGE_MB", 50)
                               : cfg_int("STORAGE_MAX_MEDIA_MB", 100);
    if (mb <= 0) mb = 1;
    return (int64_t)mb * 1024 * 1024;
}

int64_t storage_limit_max(void) {
    int64_t a = storage_limit_for(&types[0]), b = storage_limit_for(&types[4]);
    return a > b ? a : b;
}
