/* svc-chat database: messages (soft delete, client_id dedup) and read marks. */
#include "chat.h"

const char *const chat_migrations[] = {
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"            /* id_next(): shard in the low bits */
    "  space_id INTEGER NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  content TEXT NOT NULL DEFAULT '',"
    "  message_type TEXT NOT NULL,"
    "  media_url TEXT,"
    "  media_duration INTEGER,"
    "  client_id TEXT,"
    "  reply_to_id INTEGER,"
    "  reply_to_user_id TEXT,"
    "  reply_to_content TEXT,"
    "  reply_to_type TEXT,"
    "  created_at INTEGER NOT NULL,"       /* epoch ms */
    "  deleted_at INTEGER);"
    "CREATE INDEX messages_space ON messages(space_id, id);"
    "CREATE UNIQUE INDEX messages_client ON messages(space_id, user_id, client_id)"
    "  WHERE client_id IS NOT NULL;"
    "CREATE TABLE read_marks ("
    "  space_id INTEGER NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  last_read_message_id INTEGER NOT NULL,"
    "  last_read_at INTEGER NOT NULL,"     /* epoch ms */
    "  PRIMARY KEY (space_id, user_id));",
    NULL,
};
