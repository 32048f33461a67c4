/* log.h: leveled logging to stderr, one line per event. */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>

/* log_init: name prefixes each line; verbose enables log_debug. */
void log_init(const char *name, bool verbose);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_fatal: for start-up and broken invariants only; exits 1. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
