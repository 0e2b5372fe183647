/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging that follows the global --log/--log-format/--log-level options.
 * With --log-format json each record is one line
 *   {"level":"error","msg":"...","time":"2026-11-29T13:56:09.123456789Z"}
 * as containerd and conmon parse it.  Only the command layer (src/cmd_*.c,
 * src/cli/main.c) and the child side of container setup call these. */
#ifndef CASING_LOG_H
#define CASING_LOG_H

#include "error.h"

enum log_level
{
  LOG_LEVEL_ERROR = 0,
  LOG_LEVEL_WARNING,
  LOG_LEVEL_INFO,
  LOG_LEVEL_DEBUG,
};

enum log_format
{
  LOG_FORMAT_TEXT = 0,
  LOG_FORMAT_JSON,
};

/* path NULL: stderr.  Returns < 0 on error. */
int log_init (const char *path, enum log_format format, enum log_level level, casing_error_t *err);
int log_parse_level (const char *s, enum log_level *out);
int log_parse_format (const char *s, enum log_format *out);
/* The fd logs go to (for passing to hooks or the container setup child). */
int log_get_fd (void);
/* Stop writing to a --log file (the container init closes it): later
 * messages are dropped.  Logging to stderr is left as it is. */
void log_detach (void);

void log_msg (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
#define log_error(...) log_msg (LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg (LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg (LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg (LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Print an error once: to the log (as configured) and, when the log is a
 * file, also to stderr as plain text so a user at a terminal sees it. */
void log_report_error (const casing_error_t err);

#endif
