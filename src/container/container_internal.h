/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the parent side of create (container_create.c), the
 * container init before exec (container_child.c) and `exec`. */
#ifndef CASING_CONTAINER_INTERNAL_H
#define CASING_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "confine/confine.h"
#include "core/error.h"
#include "isolation/isolation.h"
#include "exec_program.h"
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
   * (state lock, state dir, console socket): -1 when unused. */
  int inherited_fds[3];
  /* The --log file: kept for the messages of the setup, closed with the
   * other setup fds (drop_setup_fds); -1 or 2 when logging to stderr. */
  int log_fd;
  int start_listen_fd;  /* start.sock, listening */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  struct seccomp_program *seccomp;
  char **env;           /* process.env plus LISTEN_FDS/NOTIFY_SOCKET */
  bool no_process;      /* config.json has no process (an empty one stands in) */
  int pid_ns_fd;        /* a pid namespace to join (joined_pid.c), else -1 */
  int pty_slave;        /* kept for the container process of joined_pid.c */
  char *create_state;   /* the state the createContainer hooks got */
};

/* The container init from clone to execve; never returns. */
void container_child_main (struct container_child_ctx *ctx) __attribute__ ((noreturn));

/* A container joining a pid namespace (joined_pid.c): the init stays out of
 * it; the container process is made there already confined. */
struct joined_process
{
  pid_t pid;  /* the container process, as the host sees it */
  int go_fd;  /* to it: SYNC_START; from it: SYNC_EXEC or SYNC_ERROR */
  int pidfd;
};
int joined_pid_spawn (struct container_child_ctx *ctx, struct joined_process *jp, casing_error_t *err);
bool joined_pid_exited (const struct joined_process *jp);
/* Let it exec and wait until it did (or tell why it could not). */
int joined_pid_start (struct joined_process *jp, casing_error_t *err);

/* process.args[0] opened and verified in the current root (exec_program.h),
 * relative names against process.cwd. */
int container_program_open (const oci_process *process, char *const *env, struct exec_program *prog,
                            casing_error_t *err);

/* What the last steps of a container process (the init after start, or
 * exec) need. */
struct final_exec
{
  const oci_process *process;
  const oci_seccomp *seccomp_config;
  struct seccomp_program *seccomp;
  const char *state_json; /* for a seccomp listener */
  char **env;             /* NULL-terminated */
  int preserve_fds;
  bool retry_chdir;       /* set by process_enter_cwd */
};

/* Right before exec, in this order (process_prepare_exec, the init):
 *  process_apply_label    drop our procfs handles, set the LSM exec label
 *                         (through a fresh handle of the current namespaces);
 *  process_open_program   process.args[0] opened and verified (its #! line
 *                         read through procfs), then every procfs handle
 *                         dropped, so that chdir and execve reach none;
 *  process_enter_cwd      chdir to process.cwd, checked to be inside the
 *                         root (when denied as root: as the user, in
 *                         the confinement, before its filter);
 *  process_confine        user, capabilities, no_new_privs, seccomp;
 *  process_final_checks   the program's exec permission as the final user,
 *                         every fd above the preserved ones close-on-exec.
 * `exec` runs them split between its joining process and the container
 * process (container_exec.c). */
int process_prepare_exec (struct final_exec *f, struct exec_program *prog, casing_error_t *err);
/* Whether the process made in the container with CLONE_PARENT must confine
 * itself there (the scheduler resets on fork, or the filter refuses that
 * clone), instead of inheriting the confinement of its maker. */
bool process_confined_after_clone (const oci_process *p, const struct seccomp_program *seccomp);
int process_apply_label (struct final_exec *f, casing_error_t *err);
int process_open_program (struct final_exec *f, struct exec_program *prog, casing_error_t *err);
int process_enter_cwd (struct final_exec *f, casing_error_t *err);
int process_confine (struct final_exec *f, casing_error_t *err);
int process_final_checks (struct final_exec *f, const struct exec_program *prog, casing_error_t *err);

/* Tell `report_fd` we exec, exec the program; on failure send the error
 * there and _exit. */
void process_exec (const struct final_exec *f, const struct exec_program *prog, int report_fd)
    __attribute__ ((noreturn));

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

/* annotations.c: what the config's annotations change in this process
 * and its children (set before the container process confines itself). */
void container_apply_annotations (const oci_config *c);

/* home_env.c: HOME for the process when `env` has none, from /etc/passwd
 * of the current root ("/" for an unknown uid); returns `env` itself when
 * it has HOME, else a new vector (env_set). */
char **env_with_home (char **env, uid_t uid);
/* process.user.uid (0 when absent). */
uid_t process_uid (const oci_process *p);
/* The home directory of `uid` in passwd(5) text; NULL if not listed. */
char *passwd_home_of (const char *passwd_text, uid_t uid);

#endif
