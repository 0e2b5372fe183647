/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One error convention for the whole runtime: a fallible function takes a
 * `casing_error_t *err`, returns < 0 (or NULL) on failure and fills *err with
 * an errno and a message.  Callers add context on the way up with
 * casing_error_prefix(); only the command layer prints it, once. */
#ifndef CASING_ERROR_H
#define CASING_ERROR_H

#include <stdarg.h>

typedef struct casing_error_s
{
  int status; /* errno, 0 when there is none */
  char *msg;
} *casing_error_t;

/* Set *err to "<fmt...>: strerror(errno_)" (just the text when errno_ is 0).
 * Always returns -1, so `return casing_error_set (...);` reads naturally.
 * If *err is already set it is replaced. */
int casing_error_set (casing_error_t *err, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Same as casing_error_set with errno as the status. */
#define casing_error_errno(err, ...) casing_error_set ((err), errno, __VA_ARGS__)

/* Prepend "<fmt...>: " to an existing error.  Returns -1. */
int casing_error_prefix (casing_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Take ownership of a malloc'd message from libocispec. */
int casing_error_take (casing_error_t *err, int errno_, char *msg);

void casing_error_release (casing_error_t *err);
static inline void cleanup_error (casing_error_t *e) { casing_error_release (e); }
#define cleanup_casing_error __attribute__ ((cleanup (cleanup_error)))

/* An error over a pipe from a child to its parent (criu_swrk.c: a failure
 * before criu is executed), and back. */
int casing_error_write_to_fd (int fd, const casing_error_t err);
/* 0: EOF, nothing sent; 1: an error was received into *err; -1: bad record. */
int casing_error_read_from_fd (int fd, casing_error_t *err);

#endif
