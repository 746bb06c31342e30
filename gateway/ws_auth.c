/* Who opens the socket. The token may come as Authorization: Bearer, X-Auth-Token, or —
 * for proxies/CDNs that strip headers on upgrades — as ?access_token= / ?token= in the
 * URL. Every token given must verify and name the same subject; X-User-Id, X-Openid and
 * ?user_id= are consistency checks only (never identity on their own). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ws.h"
#include "gw.h"

static const char *header(struct MHD_Connection *c, const char *name) {
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    return (v && *v) ? v : NULL;
}

static const char *query(struct MHD_Connection *c, const char *name) {
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    return (v && *v) ? v : NULL;
}

/* Adds the subject of token t to *subject. 0 ok, else the status. */
static int take_token(const char *t, char **subject, const char **detail) {
    if (!t) return 0;
    char *s = gw_token_subject(t);
    if (!s) { *detail = "无效登录凭证"; return 401; }
    if (*subject && strcmp(*subject, s)) {
        free(s);
        *detail = "登录凭证不一致";
        return 403;
    }
    if (*subject) free(s);
    else *subject = s;
    return 0;
}

int ws_identity(struct MHD_Connection *conn, char **uid, const char **detail) {
    char *subject = NULL;
    const char *auth = header(conn, "Authorization"), *bearer = NULL;
    if (auth && !strncasecmp(auth, "Bearer ", 7)) {
        bearer = auth + 7;
        while (*bearer == ' ') bearer++;
        if (!*bearer) bearer = NULL;
    }
    const char *tokens[] = {bearer, header(conn, "X-Auth-Token"), query(conn, "access_token"),
                            query(conn, "token")};
    for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++) {
        int st = take_token(tokens[i], &subject, detail);
        if (st) { free(subject); return st; }
    }
    if (!subject) { *detail = "缺少登录凭证"; return 401; }
    const char *claims[] = {header(conn, "X-User-Id"), header(conn, "X-Openid"),
                            query(conn, "user_id")};
    for (size_t i = 0; i < sizeof claims / sizeof *claims; i++) {
        if (claims[i] && strcmp(claims[i], subject)) {
            free(subject);
            *detail = "登录凭证与用户头不匹配";
            return 403;
        }
    }
    *uid = subject;
    return 200;
}
