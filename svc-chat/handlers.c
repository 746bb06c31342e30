/* Checks shared by the chat handlers. */
#include "chat.h"
#include "../common/args.h"
#include "../common/spaceclient.h"

int chat_space_arg(svc_call *c, int64_t *space_id, json_t **out) {
    int r = arg_int(c->args, "space_id", space_id);
    if (r < 0 || (r == 1 && *space_id <= 0)) return rpc_fail(out, 400, "空间ID无效");
    if (r == 0) return rpc_fail(out, 400, "缺少空间ID");
    if (!c->meta.uid) return rpc_fail(out, 401, "缺少用户身份");
    char role[8];
    int st = space_role_for(c, *space_id, role);
    if (st == 404) return rpc_fail(out, 404, "空间不存在");
    if (st != 200) return rpc_fail(out, st, "服务暂不可用");
    return 0;
}
