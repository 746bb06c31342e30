/* Gateway websocket module: client frame classification and handshake helpers. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "ut.h"
#include "../../gateway/ws.h"

static ws_in_kind kind_of(const char *text, const char **detail) {
    json_t *o = NULL;
    ws_in_kind k = ws_frame_parse(text, strlen(text), &o, detail);
    json_decref(o);
    return k;
}

TEST(ws_frame_kinds) {
    const char *d = NULL;
    CHECK_EQ_INT(kind_of("{\"user_id\":\"u\",\"content\":\"hi\"}", &d), WS_IN_MESSAGE);
    CHECK_EQ_INT(kind_of("{\"event\":\"\",\"content\":\"hi\"}", &d), WS_IN_MESSAGE);
    CHECK_EQ_INT(kind_of("{\"event\":\"ping\",\"user_id\":\"u\"}", &d), WS_IN_PING);
    CHECK_EQ_INT(kind_of("{\"event\":\"presence\"}", &d), WS_IN_PRESENCE);
    CHECK_EQ_INT(kind_of("{\"event\":\"typing\",\"typing\":true}", &d), WS_IN_TYPING);
    CHECK_EQ_INT(kind_of("{\"event\":\"read\",\"last_read_message_id\":64}", &d), WS_IN_READ);
    CHECK_EQ_INT(kind_of("{\"event\":\"resume\",\"last_id\":0}", &d), WS_IN_RESUME);
}

TEST(ws_frame_invalid_has_reason) {
    const char *d = NULL;
    CHECK_EQ_INT(kind_of("not json", &d), WS_IN_INVALID);
    CHECK_STR(d, "消息不是有效的JSON");
    CHECK_EQ_INT(kind_of("[1,2]", &d), WS_IN_INVALID);
    CHECK_STR(d, "消息必须是JSON对象");
    CHECK_EQ_INT(kind_of("{\"event\":\"dance\"}", &d), WS_IN_INVALID);
    CHECK_STR(d, "不支持的事件");
    CHECK_EQ_INT(kind_of("{\"event\":\"typing\"}", &d), WS_IN_INVALID);
    CHECK_EQ_INT(kind_of("{\"event\":\"read\",\"last_read_message_id\":\"x\"}", &d), WS_IN_INVALID);
    CHECK_EQ_INT(kind_of("{\"event\":\"resume\",\"last_id\":-1}", &d), WS_IN_INVALID);
    CHECK_EQ_INT(kind_of("{\"event\":5}", &d), WS_IN_INVALID);
}

TEST(ws_error_frame_echoes_client_id) {
    json_t *o = json_pack("{s:s}", "client_id", "1772540000000_a1b2c3");
    char *t = ws_error_text("消息内容不能为空", o);
    CHECK_STR(t, "{\"event\":\"error\",\"detail\":\"消息内容不能为空\",\"client_id\":\"1772540000000_a1b2c3\"}");
    free(t);
    t = ws_error_text("x", NULL);
    CHECK_STR(t, "{\"event\":\"error\",\"detail\":\"x\",\"client_id\":null}");
    free(t);
    json_decref(o);
    t = ws_event_ts_text("pong", 1795376140000LL);
    CHECK_STR(t, "{\"event\":\"pong\",\"ts\":1795376140000}");
    free(t);
}

TEST(ws_accept_key_rfc_example) {
    char out[64];
    CHECK_EQ_INT(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out, sizeof out), 0);
    CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK_EQ_INT(ws_accept_key(NULL, out, sizeof out), -1);
    CHECK_EQ_INT(ws_accept_key("short", out, sizeof out), -1);
}

TEST(ws_path_space_ids) {
    CHECK_EQ_INT(ws_path_space("/ws/chat/42"), 42);
    CHECK_EQ_INT(ws_path_space("/ws/chat/42/"), 42);
    CHECK_EQ_INT(ws_path_space("/ws/chat/"), -1);
    CHECK_EQ_INT(ws_path_space("/ws/chat/4x"), -1);
    CHECK_EQ_INT(ws_path_space("/ws/chat/0"), -1);
    CHECK_EQ_INT(ws_path_space("/ws/space/1"), -1);
    CHECK_EQ_INT(ws_path_space("/ws/chat/1234567890123456789"), -1);
}
