/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the parent side of create (container_create.c), the
 * container init before exec (container_child.c) and `exec`. */
#ifndef CASING_CONTAINER_INTERNAL_H
#define CASING_CONTAINER_INTERNAL_H

#include <stdbool.h>

#include "../confine/confine.h"
#include "../error.h"
#include "../isolation/isolation.h"
#include "ocispec.h"

struct container_child_ctx
{
  const oci_config *config;
  struct rootfs_context *rootfs_ctx; /* prepared by the parent before clone */
  const char *id;
  const char *bundle;
  const char *rootfs;
  int sync_fd;          /* our end of the create socketpair */
  /* Fds of the parent the init must not keep while it waits for `start`
   * (state lock, state dir, console socket, log file): -1 when unused. */
  int inherited_fds[4];
  int start_listen_fd;  /* start.sock, listening */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  struct seccomp_program *seccomp;
  char **env;           /* process.env plus LISTEN_FDS/NOTIFY_SOCKET */
};

/* The container init from clone to execve; never returns. */
void container_child_main (struct container_child_ctx *ctx) __attribute__ ((noreturn));

/* Resolve process.args[0] like execvp, in $PATH from `env` (in the current
 * root), with the error wording engines match on. */
int executable_lookup (const char *name, char *const *env, char **out, casing_error_t *err);

/* Right before execve (init after start, or exec): cwd, then the whole
 * confinement (confine_before_exec); state_json goes to a seccomp
 * listener when the filter has one. */
int process_confine_and_chdir (const oci_process *process, const oci_seccomp *seccomp_config,
                               struct seccomp_program *seccomp, const char *state_json,
                               casing_error_t *err);

/* Close every fd from 3 up except [3, 3 + preserve) and the `n` in keep
 * (-1 entries are ignored). */
int close_fds_except (int preserve, const int *keep, size_t n, casing_error_t *err);
/* For tests: take the path of kernels without close_range(2). */
void close_fds_test_options (bool without_close_range);

/* Reset the signal mask and dispositions we may have changed (`run` blocks
 * signals for its signalfd); children must not inherit that. */
void signals_reset_for_child (void);

/* A NULL-terminated copy of a libocispec array (the strings are shared):
 * those arrays come with a length and no terminator. */
char **strv_terminated (char **v, size_t n);

/* An environment with `KEY=value` replaced or added; returns a new vector
 * whose strings are shared with env except the new one. */
char **env_set (char **env, const char *key, const char *value);

#endif
