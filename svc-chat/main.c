/* svc-chat: chat messages, read marks, presence; publishes frames for the gateways'
 * websockets and purges a space's chat when the space is deleted. */
#include "chat.h"
#include "../common/service.h"

static const rpc_route routes[] = {
    {"chat.history", chat_history},
    {"chat.send", chat_send},
    {"chat.read", chat_read},
    {"chat.readers", chat_readers},
    {"chat.delete", chat_delete},
    {"chat.unread_count", chat_unread_count},
    /* internal, used by the gateway's websocket module */
    {"chat.since", chat_since},
    {"chat.presence", chat_presence},
    {"chat.typing", chat_typing},
    {"chat.presence_alive", chat_presence_alive},
    {NULL, NULL},
};

int main(void) {
    service_def def = {
        .name = "svc-chat",
        .env_name = "CHAT",
        .db_file = "chat.db",
        .migrations = chat_migrations,
        .routes = routes,
        .on_bus_event = chat_bus_apply,
        .after_bus_event = chat_bus_after,
        .init = chat_events_open,
        .fini = chat_events_close_socket,
    };
    return service_main(&def);
}
