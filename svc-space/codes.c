/* Space codes (6 ASCII digits, per user) and share codes (8 chars [0-9A-Z], CSPRNG). */
#include <string.h>
#include <openssl/rand.h>
#include "space.h"
#include "../common/args.h"
#include "../common/timeutil.h"

int space_code_valid(const json_t *v) {
    /* ASCII only: Python's isdigit() let full-width and Arabic-Indic digits create spaces */
    return json_is_string(v) && json_string_length(v) == 6 && is_six_ascii_digits(json_string_value(v));
}

int space_share_code_generate(char *buf) {
    static const char alphabet[] = SPACE_SHARE_ALPHABET;
    /* 256 = 7*36 + 4: bytes >= 252 are redrawn so every character has probability 1/36 */
    enum { N = sizeof alphabet - 1, LIMIT = 256 - 256 % N };
    int filled = 0;
    while (filled < SPACE_SHARE_CODE_LEN) {
        unsigned char bytes[16];
        if (RAND_bytes(bytes, sizeof bytes) != 1) return -1;
        for (size_t i = 0; i < sizeof bytes && filled < SPACE_SHARE_CODE_LEN; i++)
            if (bytes[i] < LIMIT) buf[filled++] = alphabet[bytes[i] % N];
    }
    buf[SPACE_SHARE_CODE_LEN] = 0;
    return 0;
}

static int exists(sqlite3_stmt *s) {
    if (!s) return -1;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int space_code_taken(db_conn *db, const char *uid, const char *code, int64_t except_space) {
    sqlite3_stmt *s = db_stmt(db,
        "SELECT 1 FROM spaces WHERE owner_user_id = ?1 AND code = ?2 AND deleted_at IS NULL"
        "   AND id <> ?3"
        " UNION ALL "
        "SELECT 1 FROM space_mappings WHERE user_id = ?1 AND code = ?2 AND space_id <> ?3");
    if (!s) return -1;
    db_bind_text(s, 1, uid);
    db_bind_text(s, 2, code);
    db_bind_int(s, 3, except_space);
    return exists(s);
}

static int64_t single_id(sqlite3_stmt *s) {
    if (!s) return -1;
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(s);
    return id;
}

int64_t space_lookup_code(db_conn *db, const char *uid, const char *code) {
    sqlite3_stmt *s = db_stmt(db,
        "SELECT id FROM spaces WHERE owner_user_id = ?1 AND code = ?2 AND deleted_at IS NULL");
    if (!s) return -1;
    db_bind_text(s, 1, uid);
    db_bind_text(s, 2, code);
    int64_t id = single_id(s);
    if (id != 0) return id;
    s = db_stmt(db,
        "SELECT m.space_id FROM space_mappings m JOIN spaces s ON s.id = m.space_id"
        " WHERE m.user_id = ?1 AND m.code = ?2 AND s.deleted_at IS NULL");
    if (!s) return -1;
    db_bind_text(s, 1, uid);
    db_bind_text(s, 2, code);
    return single_id(s);
}

int space_is_blocked(db_conn *db, int64_t space_id, const char *uid) {
    sqlite3_stmt *s = db_stmt(db, "SELECT 1 FROM space_blocks WHERE space_id = ?1 AND user_id = ?2");
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, uid);
    return exists(s);
}

int space_insert_pair(db_conn *db, const char *sql, int64_t space_id, const char *uid) {
    sqlite3_stmt *s = db_stmt(db, sql);
    if (!s) return -1;
    db_bind_int(s, 1, space_id);
    db_bind_text(s, 2, uid);
    db_bind_int(s, 3, now_ms());
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int space_ensure_member(db_conn *db, int64_t space_id, const char *uid) {
    return space_insert_pair(db, "INSERT INTO space_members(space_id, user_id, joined_at)"
                                 " VALUES (?1, ?2, ?3) ON CONFLICT(space_id, user_id) DO NOTHING",
                             space_id, uid);
}
