/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The small protocol between casing and the container process it set up,
 * over a SOCK_SEQPACKET pair (one message per packet, an fd may ride along
 * with SCM_RIGHTS).  A failure on either side travels as SYNC_ERROR carrying
 * the casing_error (errno + message), so the user reads what went wrong in
 * the container setup instead of an exit status. */
#ifndef CASING_SYNC_H
#define CASING_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

enum sync_type
{
  SYNC_ERROR = 1,     /* payload: the error message; status: its errno */
  SYNC_PARENT_DONE,   /* parent -> child: mappings written, cgroup joined */
  SYNC_RUN_HOOKS,     /* child -> parent: mounts done, run prestart/createRuntime */
  SYNC_HOOKS_DONE,    /* parent -> child: payload: state JSON for the hooks */
  SYNC_CONSOLE,       /* child -> parent: payload: pty name; fd: the master */
  SYNC_READY,         /* child -> parent: set up, waiting for start */
  SYNC_CREATED,       /* parent -> child: state saved, stop watching the parent */
  SYNC_DETACHED,      /* child -> parent: acknowledged */
  SYNC_START,         /* start -> child: payload: state JSON */
  SYNC_EXEC,          /* child -> start/exec: about to execve */
  SYNC_PID,           /* exec child -> parent: payload: decimal pid */
  SYNC_TRACE,         /* child -> parent: trace records (JSON lines); taken
                       * by sync_recv itself, never returned */
};

struct sync_msg
{
  uint32_t type;
  int32_t status;
  char *payload; /* NUL-terminated, never NULL after sync_recv */
  size_t len;
  int fd;        /* received fd or -1 */
};

void sync_msg_clear (struct sync_msg *m);

int sync_socketpair (int fds[2], casing_error_t *err);
int sync_send (int sock, uint32_t type, const char *payload, size_t len, int fd,
               casing_error_t *err);
/* Send an error record; best effort (the peer may be gone). */
void sync_send_error (int sock, const casing_error_t e);
/* Hand our trace records (src/core/trace.h) to the process at the other
 * end; nothing when tracing is off or nothing was recorded. */
void sync_send_trace (int sock);
/* 1: a message; 0: EOF; < 0: error.  SYNC_TRACE records are passed to
 * trace_write_records() on the way. */
int sync_recv (int sock, struct sync_msg *m, casing_error_t *err);
/* Receive a message of `type`: a SYNC_ERROR becomes *err, EOF becomes
 * "`what`: the container process exited before ...". */
int sync_expect (int sock, uint32_t type, struct sync_msg *m, const char *what,
                 casing_error_t *err);

#endif
