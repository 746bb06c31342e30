/* svc-storage: uploaded files. Blobs live on local disk (default) or in an S3-compatible
 * store (Tencent COS); metadata rows (key, space, uploader, size, type) live in storage.db.
 * An upload is a session: put_begin -> put_chunk* -> put_commit | put_abort. Chunks go to a
 * temp file (bounded memory); the blob is stored first, the metadata row is committed after
 * (no orphan rows); space deletion removes both (see docs/storage.md). */
#ifndef WH_STORAGE_H
#define WH_STORAGE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "../common/rpc.h"

#define STORAGE_CHUNK_MAX (1024 * 1024)   /* largest put_chunk / get_chunk payload */

/* ---- file types (types.c): decided from the bytes, never from the client's name ---- */
typedef struct storage_type {
    const char *mime;   /* canonical content type served back */
    const char *ext;    /* key extension */
    int is_image;       /* images have the smaller limit */
} storage_type;
/* Type for a libmagic MIME string, NULL when not allowed. */
const storage_type *storage_type_for_mime(const char *mime);
/* Type for an extension of a stored key ("jpg"), NULL if unknown. */
const storage_type *storage_type_for_ext(const char *ext);
/* Detect the MIME type of the first bytes (libmagic, MAGIC_MIME_TYPE) into buf. 0 ok. */
int storage_detect_mime(const void *data, size_t len, char *buf, size_t n);
/* Size limits in bytes (STORAGE_MAX_IMAGE_MB default 50, STORAGE_MAX_MEDIA_MB default 100). */
int64_t storage_limit_for(const storage_type *t);
int64_t storage_limit_max(void);

/* ---- keys (keys.c) ---- */
/* 1 if category is messages|notes|avatars. */
int storage_category_valid(const char *category);
/* 32 lowercase hex chars of 128 random bits (OpenSSL RAND_bytes) + NUL. 0 ok. */
int storage_random_hex(char out[33]);
/* "<category>/<space_id>/<32 hex>.<ext>" into buf. 0 ok, -1 bad input / too small. */
int storage_make_key(char *buf, size_t n, const char *category, int64_t space_id,
                     const char *hex, const char *ext);
/* 1 if key has exactly that shape (allowed category, digits, 32 hex, known ext); fills
 * *space_id and *type. No other text can name a file. */
int storage_key_parse(const char *key, int64_t *space_id, const storage_type **type);

/* ---- URLs (urls.c) ---- */
/* URL the client shows: local -> "/files/<key>"; s3 -> S3_PUBLIC_BASE_URL/<key> when set,
 * else "/files/<key>" (the gateway proxies). Into buf; 0 ok. */
int storage_url_for(char *buf, size_t n, const char *key);
/* Pure form used by the above and the unit tests: base NULL/"" -> "/files/<key>". */
int storage_url_build(char *buf, size_t n, const char *base, const char *key);

/* ---- S3 presigned GET URLs (s3_presign.c) ---- */
typedef struct storage_presign_in {
    const char *endpoint, *bucket, *key, *region, *access_key, *secret_key;
    int path_style;
    long expires;        /* seconds, <= 604800 */
    long long now;       /* epoch seconds of signing */
} storage_presign_in;
int storage_s3_presign(char *buf, size_t n, const storage_presign_in *in);   /* 0 ok */

/* ---- backends (backend*.c) ---- */
typedef struct storage_backend {
    const char *name;
    /* Store the temp file at path (size bytes) under key. 0 ok, 503 unreachable, 500 other. */
    int (*put)(const char *key, const char *path, int64_t size, const char *mime);
    /* Read up to len bytes at offset into buf; *got set. 0 ok, 404 missing, 503 unreachable. */
    int (*get)(const char *key, int64_t offset, size_t len, char *buf, size_t *got);
    /* Delete; missing is success (idempotent). 0 ok, 503 unreachable. */
    int (*del)(const char *key);
} storage_backend;
extern const storage_backend storage_backend_local;
extern const storage_backend storage_backend_s3;
const storage_backend *storage_backend_current(void);   /* STORAGE_BACKEND=local|s3 */
int storage_backend_init(void);                          /* service init hook; 0 ok */
/* Local layout helpers: $WORMHOLE_DATA_DIR/blobs and blobs/.tmp/<shard index> for sessions. */
const char *storage_blob_dir(void);
const char *storage_tmp_dir(void);
/* mkdir -p for the parents of path. 0 ok. */
int storage_mkdirs_for(const char *path);

/* ---- upload sessions (sessions.c) ---- */
typedef struct storage_session storage_session;
/* New session (temp file created). Fills id. NULL when too many are open or on I/O error. */
storage_session *storage_session_new(int64_t space_id, const char *uid, const char *category,
                                     char id[33]);
/* Find and lock (NULL if unknown/expired); release with storage_session_release. */
storage_session *storage_session_acquire(const char *id);
void storage_session_release(storage_session *s);
/* Remove from the table and delete its temp file (the caller still releases). */
void storage_session_discard(storage_session *s);
/* Accessors. */
int64_t storage_session_size(const storage_session *s);
int64_t storage_session_space(const storage_session *s);
const char *storage_session_uid(const storage_session *s);
const char *storage_session_category(const storage_session *s);
const char *storage_session_path(const storage_session *s);
const storage_type *storage_session_type(const storage_session *s);
/* Append bytes at offset (must equal the current size). 0 ok, 409 wrong offset, 400/413 type
 * and size checks (the session is discarded on 400/413), 500 I/O. detail set on error. */
int storage_session_append(storage_session *s, int64_t offset, const char *data, size_t len,
                           const char **detail);
/* Close the temp file for reading (flushes). 0 ok. */
int storage_session_finish(storage_session *s);
/* Drop sessions idle for longer than STORAGE_SESSION_IDLE_S (default 300). */
void storage_session_sweep(void);
int storage_sessions_init(void);       /* empties the temp folder */

/* ---- handlers ---- */
int storage_put_begin(svc_call *c, json_t **out);
int storage_put_chunk(svc_call *c, json_t **out);
int storage_put_commit(svc_call *c, json_t **out);
int storage_put_abort(svc_call *c, json_t **out);
int storage_get_meta(svc_call *c, json_t **out);
int storage_get_chunk(svc_call *c, json_t **out);

/* ---- space deletion (purge.c) ---- */
int storage_bus_apply(db_conn *db, const json_t *event, void *arg);
void storage_bus_after(const json_t *event, void *arg);
void storage_purge_close(void);
/* Delete blobs of rows marked deleting, then the rows. Returns rows left (0 = all done). */
int storage_purge_marked(db_conn *db);

extern const char *const storage_migrations[];
#endif
