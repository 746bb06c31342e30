/* svc-notes: notebook and feed for a space, in its own sqlite database. */
#include "notes.h"
#include "../common/service.h"

static const rpc_route routes[] = {
    {"notes.list", notes_list},
    {"notes.get", notes_get},
    {"notes.create", notes_create},
    {"notes.update", notes_update},
    {"notes.delete", notes_delete},
    {"feed.create", notes_feed_create},
    {"feed.list", notes_feed_list},
    {"feed.delete", notes_feed_delete},
    {"feed.comment", notes_feed_comment},
    {"feed.comments", notes_feed_comments},
    {"feed.comment_delete", notes_feed_comment_delete},
    {"feed.like", notes_feed_like},
    {"feed.activity", notes_feed_activity},
    {"feed.unread_count", notes_feed_unread_count},
    {NULL, NULL},
};

int main(void) {
    service_def def = {
        .name = "svc-notes", .env_name = "NOTES", .db_file = "notes.db",
        .migrations = notes_migrations, .routes = routes, .on_bus_event = notes_on_bus_event,
    };
    return service_main(&def);
}
