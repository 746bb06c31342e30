/* Schema. Times are epoch milliseconds; ids come from id_next() so they carry the shard. */
#include "notes.h"

const char *const notes_migrations[] = {
    "CREATE TABLE notes ("
    "  id INTEGER PRIMARY KEY, space_id INTEGER NOT NULL, user_id TEXT NOT NULL,"
    "  title TEXT NOT NULL, content TEXT NOT NULL,"
    "  editable_by_others INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX notes_by_space ON notes(space_id, updated_at DESC, id DESC);"
    "CREATE TABLE posts ("
    "  id INTEGER PRIMARY KEY, space_id INTEGER NOT NULL, user_id TEXT NOT NULL,"
    "  content TEXT NOT NULL DEFAULT '', media_type TEXT NOT NULL DEFAULT 'none',"
    "  media_urls TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL);"
    "CREATE INDEX posts_by_space ON posts(space_id, created_at DESC, id DESC);"
    "CREATE INDEX posts_by_author ON posts(space_id, user_id);"
    "CREATE TABLE comments ("
    "  id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  space_id INTEGER NOT NULL, user_id TEXT NOT NULL, content TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX comments_by_space ON comments(space_id, post_id, id);"
    "CREATE INDEX comments_by_post ON comments(post_id, id);"
    "CREATE TABLE likes ("
    "  id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  space_id INTEGER NOT NULL, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  UNIQUE (post_id, user_id));"
    "CREATE INDEX likes_by_space ON likes(space_id, post_id, id);",
    NULL,
};
