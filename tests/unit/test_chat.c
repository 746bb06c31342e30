/* svc-chat: message validation and the shape of stored messages. */
#include <string.h>
#include <jansson.h>
#include "ut.h"
#include "../../svc-chat/chat.h"

static int parse(const char *json, chat_msg_in *m, const char **err) {
    json_t *a = json_loads(json, 0, NULL);
    *err = NULL;
    int st = chat_msg_parse(a, m, err);
    json_decref(a);
    return st;
}

static const char *parse_err(const char *json) {
    chat_msg_in m;
    const char *err;
    int st = parse(json, &m, &err);
    chat_msg_free(&m);
    return st ? err : "ok";
}

TEST(chat_text_trimmed_and_required) {
    chat_msg_in m;
    const char *err;
    CHECK_EQ_INT(parse("{\"content\":\"  hi \\u3000\",\"message_type\":\"TEXT\"}", &m, &err), 0);
    CHECK_STR(m.type, "text");
    CHECK_STR(m.content, "hi");
    CHECK(m.media_url == NULL);
    chat_msg_free(&m);
    CHECK_STR(parse_err("{\"content\":\"   \"}"), "消息内容不能为空");
    CHECK_STR(parse_err("{}"), "消息内容不能为空");
    CHECK_STR(parse_err("{\"content\":5}"), "消息内容格式错误");
    CHECK_STR(parse_err("{\"content\":\"x\",\"message_type\":\"sticker\"}"), "不支持的消息类型");
    CHECK_STR(parse_err("{\"content\":\"x\",\"message_type\":7}"), "不支持的消息类型");
}

TEST(chat_content_length_limit) {
    char buf[5100 * 3 + 64];
    strcpy(buf, "{\"content\":\"");
    for (int i = 0; i < 5000; i++) strcat(buf, "字");
    strcat(buf, "\"}");
    CHECK_STR(parse_err(buf), "ok");
    buf[strlen(buf) - 2] = 0;
    strcat(buf, "字\"}");
    CHECK_STR(parse_err(buf), "消息内容过长（最多5000字）");
}

TEST(chat_media_types_need_url) {
    CHECK_STR(parse_err("{\"content\":\"\",\"message_type\":\"image\"}"), "媒体消息缺少资源地址");
    CHECK_STR(parse_err("{\"content\":\"\",\"message_type\":\"audio\",\"media_url\":\" \"}"),
              "媒体消息缺少资源地址");
    CHECK_STR(parse_err("{\"content\":\"\",\"message_type\":\"video\",\"media_url\":\"javascript:x\"}"),
              "媒体地址无效");
    chat_msg_in m;
    const char *err;
    CHECK_EQ_INT(parse("{\"content\":\"\",\"message_type\":\"audio\",\"media_url\":\"https://x/a.mp3\","
                       "\"media_duration\":3200}", &m, &err), 0);
    CHECK_STR(m.media_url, "https://x/a.mp3");
    CHECK_EQ_INT(m.has_duration, 1);
    CHECK_EQ_INT(m.duration_ms, 3200);
    chat_msg_free(&m);
    CHECK_EQ_INT(parse("{\"content\":\"\",\"message_type\":\"image\",\"media_url\":\"/files/a.png\","
                       "\"media_duration\":1.5}", &m, &err), 0);
    CHECK_EQ_INT(m.has_duration, 0);          /* non-integer -> null */
    chat_msg_free(&m);
}

TEST(chat_live_builds_json_media) {
    CHECK_STR(parse_err("{\"content\":\"\",\"message_type\":\"live\",\"live_cover_url\":\"https://x/c.jpg\"}"),
              "Live消息缺少封面或视频");
    chat_msg_in m;
    const char *err;
    CHECK_EQ_INT(parse("{\"content\":\"\",\"message_type\":\"live\",\"live_cover_url\":\"https://x/c.jpg\","
                       "\"live_video_url\":\"https://x/v.mp4\"}", &m, &err), 0);
    json_t *o = json_loads(m.media_url, 0, NULL);
    CHECK_STR(json_string_value(json_object_get(o, "cover_url")), "https://x/c.jpg");
    CHECK_STR(json_string_value(json_object_get(o, "video_url")), "https://x/v.mp4");
    /* output side: media_url becomes the cover, both live fields filled */
    json_t *msg = json_pack("{s:s,s:s,s:n,s:n}", "message_type", "live", "media_url", m.media_url,
                            "live_cover_url", "live_video_url");
    chat_msg_split_live(msg);
    CHECK_STR(json_string_value(json_object_get(msg, "media_url")), "https://x/c.jpg");
    CHECK_STR(json_string_value(json_object_get(msg, "live_video_url")), "https://x/v.mp4");
    json_decref(msg);
    json_decref(o);
    chat_msg_free(&m);
}

TEST(chat_system_only_missing_you) {
    CHECK_STR(parse_err("{\"content\":\"小明在想你\",\"message_type\":\"system\"}"), "ok");
    CHECK_STR(parse_err("{\"content\":\"管理员公告\",\"message_type\":\"system\"}"), "不支持的系统消息");
    CHECK_STR(parse_err("{\"content\":\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八在想你\","
                        "\"message_type\":\"system\"}"), "不支持的系统消息");
}

TEST(chat_reply_and_client_id) {
    chat_msg_in m;
    const char *err;
    /* client_id is borrowed from the arguments: keep them alive while m is used */
    json_t *a = json_loads("{\"content\":\"a\",\"reply_to_id\":\"12\",\"reply_to_content\":\"orig\","
                           "\"client_id\":\"1772540000000_a1b2c3\"}", 0, NULL);
    CHECK_EQ_INT(chat_msg_parse(a, &m, &err), 0);
    CHECK_EQ_INT(m.has_reply, 1);
    CHECK_EQ_INT(m.reply_to_id, 12);
    CHECK_STR(m.reply_to_content, "orig");
    CHECK_STR(m.client_id, "1772540000000_a1b2c3");
    chat_msg_free(&m);
    json_decref(a);
    CHECK_EQ_INT(parse("{\"content\":\"a\",\"reply_to_id\":0}", &m, &err), 0);
    CHECK_EQ_INT(m.has_reply, 0);
    chat_msg_free(&m);
    CHECK_STR(parse_err("{\"content\":\"a\",\"client_id\":{}}"), "client_id格式错误");
    CHECK_STR(parse_err("{\"content\":\"a\",\"client_id\":\"has space\"}"), "client_id格式错误");
}
