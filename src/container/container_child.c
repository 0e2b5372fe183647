/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container init, from clone to execve.  It never prints: every failure
 * goes back to whoever waits on it (create, then start) as a SYNC_ERROR. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine/confine.h"
#include "isolation/isolation.h"
#include "core/log.h"
#include "core/procfs.h"
#include "core/trace.h"
#include "core/utils.h"
#include "console.h"
#include "container_internal.h"
#include "hooks.h"
#include "sync.h"

static void __attribute__ ((noreturn))
child_fail (int report_fd, casing_error_t *err)
{
  sync_send_trace (report_fd);
  sync_send_error (report_fd, *err);
  _exit (1);
}

/* The state JSON for hooks in the container namespace carries the pid as
 * seen from there (1 with a new pid namespace). */
static char *
state_with_own_pid (const char *state_json)
{
  oci_state *s = NULL;
  char *out;

  if (state_json == NULL || oci_state_parse_data (state_json, strlen (state_json), "state", &s, NULL) < 0)
    return xstrdup (state_json ? state_json : "");
  s->has_pid = true;
  s->pid = getpid ();
  out = oci_state_generate (s, false, NULL);
  oci_state_free (s);
  return out ? out : xstrdup (state_json);
}

static int
wait_for_parent (struct container_child_ctx *ctx, casing_error_t *err)
{
  struct sync_msg m = { .fd = -1 };

  if (sync_expect (ctx->sync_fd, SYNC_PARENT_DONE, &m, "container setup", err) < 0)
    return -1;
  sync_msg_clear (&m);
  return 0;
}

static int
join_namespaces (struct container_child_ctx *ctx, casing_error_t *err)
{
  const oci_config *c = ctx->config;

  if (namespaces_join_paths (c, err) < 0)
    return -1;
  if (config_has_namespace (c, "user"))
    {
      if (setresgid (0, 0, 0) < 0)
        return casing_error_errno (err, "setresgid to 0 in the user namespace");
      if (setresuid (0, 0, 0) < 0)
        return casing_error_errno (err, "setresuid to 0 in the user namespace");
    }
  if (setsid () < 0)
    return casing_error_errno (err, "setsid");
  return 0;
}

static int
apply_uts_and_sysctl (struct container_child_ctx *ctx, casing_error_t *err)
{
  return uts_apply (ctx->config, err) < 0 || sysctl_apply (ctx->config, err) < 0 ? -1 : 0;
}

static int
create_keyring (struct container_child_ctx *ctx, casing_error_t *err)
{
  if (ctx->no_new_keyring)
    return 0;
  return keyring_create_session (ctx->id, ctx->config->process->selinux_label, err);
}

/* prestart and createRuntime run in the parent (runtime namespace) while we
 * wait; then createContainer here, in the container namespaces, before the
 * pivot. */
static int
run_create_hooks (struct container_child_ctx *ctx, casing_error_t *err)
{
  struct sync_msg m = { .fd = -1 };
  cleanup_free char *state = NULL;
  size_t n_pre, n_runtime, n_container;

  /* Without such hooks, no round trip to the parent (joining a pid
   * namespace, the state is kept for a seccomp agent). */
  hooks_of_kind (ctx->config, HOOK_PRESTART, &n_pre);
  hooks_of_kind (ctx->config, HOOK_CREATE_RUNTIME, &n_runtime);
  hooks_of_kind (ctx->config, HOOK_CREATE_CONTAINER, &n_container);
  if (n_pre + n_runtime + n_container == 0 && ctx->pid_ns_fd < 0)
    return 0;
  if (sync_send (ctx->sync_fd, SYNC_RUN_HOOKS, NULL, 0, -1, err) < 0)
    return -1;
  if (sync_expect (ctx->sync_fd, SYNC_HOOKS_DONE, &m, "createRuntime hooks", err) < 0)
    return -1;
  state = state_with_own_pid (m.payload);
  ctx->create_state = steal_pointer (&m.payload);
  sync_msg_clear (&m);
  return hooks_run (ctx->config, HOOK_CREATE_CONTAINER, state, err);
}

static int
setup_console (struct container_child_ctx *ctx, casing_error_t *err)
{
  const oci_process *p = ctx->config->process;
  cleanup_close int master = -1, slave = -1;
  cleanup_free char *name = NULL;

  if (console_open_pty (p->console_size, &master, &slave, &name, err) < 0)
    return -1;
  if (rootfs_bind_console (ctx->rootfs_ctx, slave, err) < 0)
    return -1;
  if (sync_send (ctx->sync_fd, SYNC_CONSOLE, name, strlen (name), master, err) < 0)
    return -1;
  /* Joining a pid namespace, the terminal is the container process's. */
  if (ctx->pid_ns_fd >= 0)
    {
      ctx->pty_slave = steal_fd (&slave);
      return 0;
    }
  return console_make_controlling (slave, err);
}

static int
apply_process_attributes (const oci_config *c, casing_error_t *err)
{
  const oci_process *p = c->process;

  /* rlimits come last, right before exec (confine_before_exec): under a
   * RLIMIT_NOFILE or RLIMIT_AS of 0 none of our setup could run. */
  if (process_apply_oom_score_adj (p, err) < 0 || process_apply_io_priority (p, err) < 0)
    return -1;
  /* A deadline task may not fork (hooks): asked now, set before exec. */
  if ((process_scheduler_forbids_fork (p) ? process_test_scheduler (p, err) : process_apply_scheduler (p, err)) < 0)
    return -1;
  if (c->linux_ && c->linux_->memory_policy
      && process_apply_memory_policy (c->linux_->memory_policy, err) < 0)
    return -1;
  return 0;
}

/* runc creates a missing cwd; done as root at create time, the chdir itself
 * happens as the container user right before exec. */
static int
prepare_cwd (const char *cwd, casing_error_t *err)
{
  struct stat st;

  if (cwd == NULL || cwd[0] != '/')
    return casing_error_set (err, EINVAL, "process.cwd `%s` is not an absolute path",
                             cwd ? cwd : "");
  if (stat (cwd, &st) == 0)
    {
      if (!S_ISDIR (st.st_mode))
        return casing_error_set (err, ENOTDIR, "process.cwd `%s`", cwd);
      return 0;
    }
  if (mkdir_p (cwd, 0755, err) < 0)
    return casing_error_prefix (err, "create process.cwd");
  return 0;
}

static int
prepare_rootfs (struct container_child_ctx *ctx, casing_error_t *err)
{
  return rootfs_prepare (ctx->rootfs_ctx, err);
}

static int
pivot (struct container_child_ctx *ctx, casing_error_t *err)
{
  if (rootfs_pivot (ctx->rootfs_ctx, err) < 0)
    return -1;
  trace_set_proc (TRACE_INIT_PIVOTED);
  return 0;
}

static int
make_console (struct container_child_ctx *ctx, casing_error_t *err)
{
  return ctx->rootfs_ctx->has_terminal ? setup_console (ctx, err) : 0;
}

static int
finalize_rootfs (struct container_child_ctx *ctx, casing_error_t *err)
{
  if (rootfs_finalize (ctx->rootfs_ctx, err) < 0)
    return -1;
  return personality_apply (ctx->config, err);
}

/* Before any hook runs: what the kernel refuses here (a real-time policy,
 * a deadline over the bandwidth, an offline memory node, a lowered
 * oom_score_adj) fails create with nothing run, as `check` (its probe)
 * predicts. */
static int
apply_attributes (struct container_child_ctx *ctx, casing_error_t *err)
{
  return apply_process_attributes (ctx->config, err);
}

static int
make_cwd (struct container_child_ctx *ctx, casing_error_t *err)
{
  if (ctx->no_process)
    return 0;
  if (prepare_cwd (ctx->config->process->cwd, err) < 0)
    return -1;
  /* In the container's root now: its /etc/passwd gives HOME. */
  ctx->env = env_with_home (ctx->env, process_uid (ctx->config->process));
  return 0;
}

/* Fail `create` (as runc does) when the program is missing; `start` opens
 * it again, so what runs is what is there then. */
static int
check_program (struct container_child_ctx *ctx, casing_error_t *err)
{
  struct exec_program prog = EXEC_PROGRAM_INIT;

  if (ctx->no_process)
    return 0;
  if (container_program_open (ctx->config->process, ctx->env, &prog, err) < 0)
    return -1;
  exec_program_release (&prog);
  return 0;
}

/* The init's setup, in order (docs/ARCHITECTURE.md); each a level 1 step
 * of the trace, inside the runtime's "init-setup". */
static const struct
{
  const char *name;
  int (*run) (struct container_child_ctx *ctx, casing_error_t *err);
} setup_sequence[] = {
  { "wait-parent", wait_for_parent },
  { "namespaces", join_namespaces },
  { "uts-sysctl", apply_uts_and_sysctl },
  { "keyring", create_keyring },
  { "process-attributes", apply_attributes },
  { "rootfs", prepare_rootfs },
  { "hooks-createContainer", run_create_hooks },
  { "pivot", pivot },
  { "console", make_console },
  { "rootfs-finalize", finalize_rootfs },
  { "cwd", make_cwd },
  { "program-check", check_program },
};

static int
setup_container (struct container_child_ctx *ctx, casing_error_t *err)
{
  for (size_t i = 0; i < sizeof setup_sequence / sizeof setup_sequence[0]; i++)
    {
      TRACE_START (t);
      int r = setup_sequence[i].run (ctx, err);
      TRACE_STEP (t, setup_sequence[i].name, 1, r < 0 ? "failed" : NULL);
      if (r < 0)
        return -1;
    }
  return 0;
}

/* While it waits for `start` the init keeps only what it still needs:
 * stdio, the preserved fds, its two sockets and the seccomp listener
 * connection.  The new root, procfs handles, the cgroup directories of the
 * parent and whatever fds the caller of create left open must not sit in
 * the container (a process of a shared pid namespace with CAP_SYS_PTRACE
 * could take them from /proc/PID/fd). */
static int
drop_setup_fds (struct container_child_ctx *ctx, const struct joined_process *jp, casing_error_t *err)
{
  int keep[] = {
    ctx->sync_fd, ctx->start_listen_fd, seccomp_program_listener_fd (ctx->seccomp),
    jp->go_fd, jp->pidfd, ctx->pid_ns_fd,
  };

  ctx->rootfs_ctx->rootfs_fd = -1;
  procfs_reset ();
  /* The log is a host file: not while other processes may see us.  What
   * we would log from now on is dropped, never written to whatever file
   * gets its fd number next. */
  if (ctx->log_fd > 2)
    {
      log_detach ();
      close (ctx->log_fd);
      ctx->log_fd = -1;
    }
  if (close_fds_except (ctx->preserve_fds, keep, sizeof keep / sizeof keep[0], err) < 0)
    return casing_error_prefix (err, "close the fds of the setup");
  return 0;
}

/* Tell the parent we are ready and stop depending on it: after SYNC_CREATED
 * the state is saved, so a parent dying from now on must not kill us. */
static int
report_ready (struct container_child_ctx *ctx, casing_error_t *err)
{
  struct sync_msg m = { .fd = -1 };

  sync_send_trace (ctx->sync_fd);
  if (sync_send (ctx->sync_fd, SYNC_READY, NULL, 0, -1, err) < 0)
    return -1;
  if (sync_expect (ctx->sync_fd, SYNC_CREATED, &m, "container creation", err) < 0)
    return -1;
  sync_msg_clear (&m);
  if (prctl (PR_SET_PDEATHSIG, 0) < 0)
    return casing_error_errno (err, "prctl PR_SET_PDEATHSIG");
  return sync_send (ctx->sync_fd, SYNC_DETACHED, NULL, 0, -1, err);
}

/* Block until `start` connects and sends its state JSON.  Only the user
 * who created the container (the credentials the kernel keeps on the
 * listening socket, from create's listen(2)) or root may start it; any
 * other peer is dropped before a byte is read, and a caller that
 * disconnects without a request is ignored.  Both uids are as our user
 * namespace sees them: in one that maps neither, all unmapped users look
 * alike, and there the 0700 state directory is what keeps others out.  Root
 * is recognized only without a user namespace, where 0 is the host's. */
static int
wait_for_start (struct container_child_ctx *ctx, const struct joined_process *jp, char **state_json,
                casing_error_t *err)
{
  bool root_allowed = !config_has_namespace (ctx->config, "user");
  uid_t creator;

  if (socket_peer_uid (ctx->start_listen_fd, &creator, err) < 0)
    return -1;
  for (;;)
    {
      /* Joining a pid namespace, the container process is another one:
       * if it is gone (killed, deleted) there is nothing left to start. */
      if (jp->pidfd >= 0)
        {
          struct pollfd p[2] = { { .fd = ctx->start_listen_fd, .events = POLLIN },
                                 { .fd = jp->pidfd, .events = POLLIN } };
          if (poll (p, 2, -1) < 0 && errno != EINTR)
            return casing_error_errno (err, "poll the start socket");
          if (joined_pid_exited (jp))
            _exit (0);
          if (!(p[0].revents & POLLIN))
            continue;
        }
      struct sync_msg m = { .fd = -1 };
      int conn = accept4 (ctx->start_listen_fd, NULL, NULL, SOCK_CLOEXEC);
      uid_t peer;
      int r;

      if (conn < 0 && errno == EINTR)
        continue;
      if (conn < 0)
        return casing_error_errno (err, "accept on the start socket");
      if (socket_peer_uid (conn, &peer, NULL) < 0
          || (peer != creator && !(root_allowed && peer == 0)))
        {
          close (conn);
          continue;
        }
      r = sync_recv (conn, &m, NULL);
      if (r > 0 && m.type == SYNC_START)
        {
          *state_json = steal_pointer (&m.payload);
          sync_msg_clear (&m);
          return conn;
        }
      if (r > 0)
        sync_msg_clear (&m);
      close (conn);
    }
}

/* Joining a pid namespace: the startContainer hooks run in it (we enter it
 * for our children), then the container process execs. */
static void __attribute__ ((noreturn))
start_joined (struct container_child_ctx *ctx, struct joined_process *jp, int conn, const char *state_json)
{
  cleanup_casing_error casing_error_t err = NULL;

  if (setns (ctx->pid_ns_fd, CLONE_NEWPID) < 0)
    casing_error_errno (&err, "join the pid namespace of linux.namespaces");
  else if (hooks_run (ctx->config, HOOK_START_CONTAINER, state_json, &err) == 0
           && joined_pid_start (jp, &err) == 0)
    {
      (void) sync_send (conn, SYNC_EXEC, NULL, 0, -1, NULL);
      _exit (0);
    }
  kill (jp->pid, SIGKILL);
  child_fail (conn, &err);
}

static void __attribute__ ((noreturn))
start_and_exec (struct container_child_ctx *ctx, struct joined_process *jp)
{
  cleanup_casing_error casing_error_t err = NULL;
  cleanup_free char *state_json = NULL, *own_state = NULL;
  struct exec_program prog = EXEC_PROGRAM_INIT;
  const oci_config *c = ctx->config;
  struct final_exec f = {
    .process = c->process,
    .seccomp_config = c->linux_ ? c->linux_->seccomp : NULL,
    .seccomp = ctx->seccomp,
    .env = ctx->env,
    .preserve_fds = ctx->preserve_fds,
  };
  int conn = wait_for_start (ctx, jp, &state_json, &err);

  if (conn < 0)
    _exit (1);
  close (ctx->start_listen_fd);
  /* runtime.md, start: an error when `process` was not set.  The init
   * leaves: the container is stopped and `delete` removes it. */
  if (ctx->no_process)
    {
      casing_error_set (&err, 0, "container `%s` has no process to start (config.json has no `process`)",
                        ctx->id);
      child_fail (conn, &err);
    }
  if (jp->pidfd >= 0)
    start_joined (ctx, jp, conn, state_json);
  own_state = state_with_own_pid (state_json);
  f.state_json = own_state;
  TRACE_START (t);
  if (hooks_run (c, HOOK_START_CONTAINER, own_state, &err) < 0)
    child_fail (conn, &err);
  TRACE_STEP (t, "hooks-startContainer", 1, NULL);
  if (getenv ("LISTEN_FDS"))
    {
      char pid[32];
      snprintf (pid, sizeof pid, "%d", (int) getpid ());
      f.env = env_set (f.env, "LISTEN_PID", pid);
    }
  if (process_prepare_exec (&f, &prog, &err) < 0)
    child_fail (conn, &err);
  process_exec (&f, &prog, conn);
}

/* Make the container process in the joined pid namespace and tell create
 * its pid: that is the container's pid from now on. */
static int
spawn_joined (struct container_child_ctx *ctx, struct joined_process *jp, casing_error_t *err)
{
  char pid[32];

  if (joined_pid_spawn (ctx, jp, err) < 0)
    return -1;
  if (ctx->pty_slave >= 0)
    {
      close (ctx->pty_slave);
      ctx->pty_slave = -1;
    }
  snprintf (pid, sizeof pid, "%d", (int) jp->pid);
  return sync_send (ctx->sync_fd, SYNC_PID, pid, strlen (pid), -1, err);
}

void
container_child_main (struct container_child_ctx *ctx)
{
  cleanup_casing_error casing_error_t err = NULL;
  struct joined_process jp = { .pid = -1, .go_fd = -1, .pidfd = -1 };

  /* The runtime's procfs handles show the host's processes: never in a
   * process of the container.  Ours are opened from its namespaces.  Our
   * trace records go to the runtime over the sync socket. */
  procfs_reset ();
  trace_child (TRACE_INIT);
  /* Until create has saved our pid, a dying casing must take us along. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    {
      casing_error_errno (&err, "prctl PR_SET_PDEATHSIG");
      child_fail (ctx->sync_fd, &err);
    }
  signals_reset_for_child ();
  container_apply_annotations (ctx->config);
  /* flock(2) belongs to the open file: our copy of the lock fd would keep
   * the container locked after create returns; and a process of the
   * container able to reach our /proc/PID/fd must find no way out to the
   * host's state directory or files. */
  for (size_t i = 0; i < sizeof ctx->inherited_fds / sizeof ctx->inherited_fds[0]; i++)
    if (ctx->inherited_fds[i] > 2)
      close (ctx->inherited_fds[i]);
  if (setup_container (ctx, &err) < 0
      || (ctx->pid_ns_fd >= 0 && !ctx->no_process && spawn_joined (ctx, &jp, &err) < 0)
      || drop_setup_fds (ctx, &jp, &err) < 0 || report_ready (ctx, &err) < 0)
    child_fail (ctx->sync_fd, &err);
  close (ctx->sync_fd);
  start_and_exec (ctx, &jp);
}
