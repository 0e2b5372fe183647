/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A container that joins an existing pid namespace (linux.namespaces pid
 * with a path: a pod sharing its process namespace).  Its processes are
 * there before ours: one with CAP_SYS_PTRACE could seize a process of ours
 * that shows up privileged (mounting, holding host fds) and act as root on
 * the host.  So the setup process (the "init" of container_child.c) stays
 * in the host's pid namespace, where nothing of the container sees it, and
 * does the whole setup and, after `start`, the startContainer hooks.  For
 * the container process it forks a short-lived process that enters the
 * pid namespace for its children, takes the final credentials and the
 * seccomp filter, and clones the container process (CLONE_PARENT: a child
 * of the setup process).  That one appears in the pod already confined,
 * waits for the word of the setup process after `start`, opens the program
 * (in the pod's pid namespace, where /proc/self means itself) and execs.
 * The container's pid, from `create` on, is that process's. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine/confine.h"
#include "core/procfs.h"
#include "core/utils.h"
#include "console.h"
#include "container_internal.h"
#include "sync.h"

static void
init_final_exec (struct container_child_ctx *ctx, struct final_exec *f)
{
  const oci_config *c = ctx->config;

  *f = (struct final_exec){
    .process = c->process,
    .seccomp_config = c->linux_ ? c->linux_->seccomp : NULL,
    .seccomp = ctx->seccomp,
    .state_json = ctx->create_state,
    .env = ctx->env,
    .preserve_fds = ctx->preserve_fds,
  };
}

/* The container process: confined (unless the filter forbade the clone
 * that made it), it waits for the word to go, then execs. */
static void __attribute__ ((noreturn))
container_process (struct container_child_ctx *ctx, int go, bool confine_here)
{
  cleanup_casing_error casing_error_t err = NULL;
  struct exec_program prog = EXEC_PROGRAM_INIT;
  struct sync_msg m = { .fd = -1 };
  struct final_exec f;

  init_final_exec (ctx, &f);
  if (setsid () < 0)
    casing_error_errno (&err, "setsid");
  else if (ctx->pty_slave >= 0 && console_make_controlling (ctx->pty_slave, &err) < 0)
    ;
  else if (confine_here
           && (process_apply_scheduler (f.process, &err) < 0 || process_confine (&f, &err) < 0))
    ;
  else if (sync_expect (go, SYNC_START, &m, "start", &err) == 0)
    {
      sync_msg_clear (&m);
      if (getenv ("LISTEN_FDS"))
        {
          char pid[32];
          snprintf (pid, sizeof pid, "%d", (int) getpid ());
          f.env = env_set (f.env, "LISTEN_PID", pid);
        }
      if (ctx->pty_slave > 2)
        close (ctx->pty_slave);
      if (process_open_program (&f, &prog, &err) == 0 && process_final_checks (&f, &prog, &err) == 0)
        process_exec (&f, &prog, go);
    }
  sync_send_error (go, err);
  _exit (1);
}

/* Between the setup process and the container process: enters the pid
 * namespace (for its children), confines itself, clones. */
static void __attribute__ ((noreturn))
confining_process (struct container_child_ctx *ctx, int go)
{
  cleanup_casing_error casing_error_t err = NULL;
  const oci_process *p = ctx->config->process;
  bool confine_here = process_confined_after_clone (p, ctx->seccomp);
  struct final_exec f;
  char pid[32];
  pid_t child;

  /* Our procfs handle is the setup's: of the host's pid namespace, where
   * we see ourselves for the LSM label; process_enter_cwd drops it. */
  int keep[] = { go, ctx->pty_slave, seccomp_program_listener_fd (ctx->seccomp), ctx->pid_ns_fd,
                 procfs_root_if_open () };

  init_final_exec (ctx, &f);
  /* The setup's fds (the new root, cgroup directories, procfs handles,
   * start.sock) stay with the setup process: the container process
   * inherits only what it needs. */
  if (close_fds_except (ctx->preserve_fds, keep, sizeof keep / sizeof keep[0], &err) < 0)
    ;
  else if (setns (ctx->pid_ns_fd, CLONE_NEWPID) < 0)
    casing_error_errno (&err, "join the pid namespace of linux.namespaces");
  else if (process_apply_label (&f, &err) == 0 && process_enter_cwd (&f, &err) == 0
           && (confine_here || process_confine (&f, &err) == 0))
    {
      close (ctx->pid_ns_fd);
      child = (pid_t) syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
      if (child == 0)
        container_process (ctx, go, confine_here);
      if (child > 0)
        {
          snprintf (pid, sizeof pid, "%d", (int) child);
          _exit (sync_send (go, SYNC_PID, pid, strlen (pid), -1, &err) < 0);
        }
      casing_error_errno (&err, "clone the container process");
    }
  sync_send_error (go, err);
  _exit (1);
}

static int
read_child_pid (int go, pid_t *pid, casing_error_t *err)
{
  struct sync_msg m = { .fd = -1 };
  int64_t v;

  if (sync_expect (go, SYNC_PID, &m, "the container process", err) < 0)
    return -1;
  if (parse_int64 (m.payload, &v) < 0 || v <= 0 || v > INT32_MAX)
    {
      sync_msg_clear (&m);
      return casing_error_set (err, EPROTO, "bad pid from the container setup");
    }
  sync_msg_clear (&m);
  *pid = (pid_t) v;
  return 0;
}

int
joined_pid_spawn (struct container_child_ctx *ctx, struct joined_process *jp, casing_error_t *err)
{
  int go[2];
  pid_t q;
  int status = 0;

  if (sync_socketpair (go, err) < 0)
    return -1;
  q = fork ();
  if (q < 0)
    return casing_error_errno (err, "fork");
  if (q == 0)
    {
      close (go[0]);
      confining_process (ctx, go[1]);
    }
  close (go[1]);
  jp->go_fd = go[0];
  if (read_child_pid (jp->go_fd, &jp->pid, err) < 0)
    {
      while (waitpid (q, &status, 0) < 0 && errno == EINTR)
        ;
      return -1;
    }
  while (waitpid (q, &status, 0) < 0 && errno == EINTR)
    ;
  jp->pidfd = (int) syscall (SYS_pidfd_open, jp->pid, 0);
  if (jp->pidfd < 0)
    return casing_error_errno (err, "pidfd_open the container process");
  return 0;
}

bool
joined_pid_exited (const struct joined_process *jp)
{
  struct pollfd p = { .fd = jp->pidfd, .events = POLLIN };

  return poll (&p, 1, 0) == 1;
}

int
joined_pid_start (struct joined_process *jp, casing_error_t *err)
{
  bool exec_seen = false;

  if (sync_send (jp->go_fd, SYNC_START, NULL, 0, -1, err) < 0)
    return -1;
  for (;;)
    {
      struct sync_msg m = { .fd = -1 };
      int r = sync_recv (jp->go_fd, &m, err);

      if (r < 0)
        return -1;
      if (r == 0)
        break;
      if (m.type == SYNC_ERROR)
        return casing_error_take (err, m.status, steal_pointer (&m.payload));
      exec_seen |= m.type == SYNC_EXEC;
      sync_msg_clear (&m);
    }
  if (!exec_seen)
    return casing_error_set (err, 0, "the container process exited before it executed process.args");
  return 0;
}
