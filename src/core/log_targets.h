/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where --log sends records besides a file: the journal and syslog
 * (log_targets.c).  Used by log.c only. */
#ifndef CASING_LOG_TARGETS_H
#define CASING_LOG_TARGETS_H

#include <stddef.h>

#include "error.h"
#include "log.h"

enum log_target
{
  LOG_TARGET_FILE = 0,
  LOG_TARGET_JOURNALD,
  LOG_TARGET_SYSLOG,
};

#define LOG_IDENT_MAX 64

/* "journald:ID", "syslog:ID", "file:PATH" or a plain PATH; *arg is what
 * follows the prefix (the whole spec for a plain path). */
enum log_target log_target_parse (const char *spec, const char **arg);
/* An identifier safe in a journal field and a syslog tag. */
int log_target_check_ident (const char *ident, casing_error_t *err);
/* A datagram socket connected to the journal or /dev/log, or -1. */
int log_target_connect (enum log_target t, casing_error_t *err);
/* One record as the target wants it (malloc'ed, *len bytes). */
char *log_target_record (enum log_target t, const char *ident, enum log_level level, const char *msg, size_t *len);

#endif
