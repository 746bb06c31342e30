/* JSON-lines logging to stderr: {"ts":..,"lvl":..,"svc":..,"rid":..,"msg":..}. Thread-safe. */
#ifndef WH_LOG_H
#define WH_LOG_H
void log_init(const char *service_name);
void log_write(const char *level, const char *rid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define LOG_INFO(rid, ...)  log_write("info", (rid), __VA_ARGS__)
#define LOG_WARN(rid, ...)  log_write("warn", (rid), __VA_ARGS__)
#define LOG_ERROR(rid, ...) log_write("error", (rid), __VA_ARGS__)
#endif
