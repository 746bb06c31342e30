/* The gateway's upload/file module: POST /api/upload (multipart, streamed to svc-storage in
 * chunks) and GET /files/<key> (streamed back from svc-storage). Both handlers run on MHD
 * worker threads and block on RPCs: one upload or download holds one MHD thread while it
 * runs (see docs/storage.md). */
#ifndef WH_UPLOAD_H
#define WH_UPLOAD_H
#include "gw.h"

#define UPLOAD_CHUNK (256 * 1024)    /* bytes per storage.put_chunk / get_chunk */

enum MHD_Result upload_post_handler(struct MHD_Connection *conn, const gw_req_info *info,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **state);
void upload_post_cleanup(void *state);
enum MHD_Result upload_files_handler(struct MHD_Connection *conn, const gw_req_info *info,
                                     const char *upload_data, size_t *upload_data_size,
                                     void **state);
void upload_files_cleanup(void *state);

/* Largest body accepted before streaming starts: STORAGE_MAX_MEDIA_MB (default 100) + 1 MiB
 * of multipart overhead. Bigger Content-Lengths get 413 at once. */
int64_t upload_body_limit(void);
/* 1 when key can be a stored key "<category>/<space_id>/<hex>.<ext>": only [a-z0-9/.], no
 * "..", a positive space id after the first "/" (svc-storage checks the exact shape). */
int upload_key_valid(const char *key);
/* Parse a single "bytes=a-b" / "bytes=a-" / "bytes=-n" range against size into [*from, *to].
 * 1 valid range, 0 header absent or not understood (serve the whole file), -1 unsatisfiable. */
int upload_parse_range(const char *h, int64_t size, int64_t *from, int64_t *to);
#endif
