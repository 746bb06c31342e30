/* Registers the upload module's special handlers with the gateway core. */
#include "upload.h"

int upload_module_init(void) {
    gw_register_special("POST", "/api/upload", 1, upload_post_handler, upload_post_cleanup);
    gw_register_special("GET", "/files/", 0, upload_files_handler, upload_files_cleanup);
    return 0;
}

void upload_module_shutdown(void) {}
