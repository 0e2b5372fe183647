/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container lifecycle as the commands (src/cmd_*.c) use it. */
#ifndef CASING_CONTAINER_H
#define CASING_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "ocispec.h"

/* Warnings the library cannot print itself (poststop hooks...): the command
 * layer passes a function that logs them. */
typedef void (*container_warn_fn) (const char *msg);

struct container_create_options
{
  const char *root;
  const char *id;
  const char *bundle;         /* NULL: current directory */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  bool systemd_cgroup;
  bool no_cgroup;             /* --cgroup-manager disabled */
  bool rootless;
  int preserve_fds;
  /* `run` in the foreground with a terminal and no console socket: keep the
   * pty master instead of sending it anywhere. */
  bool keep_console_master;
};

struct container_created
{
  pid_t pid;          /* container init, as seen from the host */
  int console_master; /* with keep_console_master, else -1 */
};

int container_create (const struct container_create_options *o, struct container_created *out,
                      casing_error_t *err);
int container_start (const char *root, const char *id, casing_error_t *err);
int container_kill (const char *root, const char *id, int signo, bool all, casing_error_t *err);

/* The annotations casing acts on that change what a container gets, for
 * `features` (potentiallyUnsafeConfigAnnotations); a trailing "." is a
 * prefix.  NULL-terminated. */
extern const char *const container_unsafe_annotations[];

/* container_procs.c: the processes of a container (`ps`, `kill --all`):
 * its cgroup's, or those of its pid namespace when it has no cgroup. */
struct container_handle;
int container_processes (const struct container_handle *h, pid_t **pids, size_t *n, casing_error_t *err);
int container_signal_all (const struct container_handle *h, int signo, casing_error_t *err);
int container_delete (const char *root, const char *id, bool force, container_warn_fn warn,
                      casing_error_t *err);

struct container_exec_options
{
  const char *root;
  const char *id;
  oci_process *process;       /* owned by the caller */
  const char *console_socket;
  const char *pid_file;
  int preserve_fds;
  bool detach;
  bool ignore_paused;         /* a paused container is not an error */
  char *const *cgroups;       /* --cgroup [CTRL:]PATH sub-cgroups */
  size_t n_cgroups;
};

/* The config.json saved at create (exec builds its default process from it). */
int container_load_config (const char *root, const char *id, oci_config **out, casing_error_t *err);

/* Start a process in the container.  Foreground: waits and returns its exit
 * status (128+N for a signal); detached: returns 0 once it has exec'ed. */
int container_exec (const struct container_exec_options *o, casing_error_t *err);

/* Wait for `pid` (our child) while forwarding signals to it, proxying the
 * terminal when console_master >= 0.  Returns the exit status, 128+N for a
 * signal.  The caller blocked the signals with foreground_block_signals(),
 * which also makes us the subreaper of the container's orphans unless told
 * not to (`run --no-subreaper`). */
int foreground_block_signals (bool subreaper, casing_error_t *err);
int foreground_wait (pid_t pid, int console_master, casing_error_t *err);

#endif
