/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `exec`: a new process in every namespace and the cgroup of a container,
 * with the container's confinement.  The pid namespace is entered by us
 * (setns on a pid namespace only affects children), everything else by the
 * child, so our own mounts stay reachable for the pid file and sockets. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "confine/confine.h"
#include "confine/exe_protect.h"
#include "confine/host.h"
#include "confine/lsm.h"
#include "core/procfs.h"
#include "core/trace.h"
#include "core/utils.h"
#include "console.h"
#include "container.h"
#include "container_internal.h"
#include "state_store.h"
#include "sync.h"

struct exec_job
{
  const struct container_exec_options *o;
  struct container_handle *h;
  oci_config *config;
  struct cgroup_manager *cgroup;
  struct seccomp_program *seccomp;
  char *state_json;
  int pidfd;
  int ns_flags; /* namespaces of the container that differ from ours */
  int console_sock;
  int console_master;
  int sync_fd;
  pid_t joiner; /* our child that joins the container, until it reports */
  pid_t pid;    /* the container process (our child too: CLONE_PARENT) */
};

static int
differing_namespaces (pid_t pid)
{
  int flags = 0;

  for (size_t i = 0; i < OCI_NS_COUNT; i++)
    {
      char theirs[64], ours[64];
      struct stat a, b;
      snprintf (theirs, sizeof theirs, "/proc/%d/ns/%s", (int) pid, namespace_defs[i].proc_name);
      snprintf (ours, sizeof ours, "/proc/self/ns/%s", namespace_defs[i].proc_name);
      if (stat (theirs, &a) < 0 || stat (ours, &b) < 0)
        continue;
      if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
        flags |= namespace_defs[i].flag;
    }
  return flags;
}

static int
load_container (struct exec_job *j, casing_error_t *err)
{
  cleanup_free char *config_path = NULL;
  enum container_status st;
  char *msg = NULL;

  if (state_store_open (j->o->root, j->o->id, STATE_LOCK_SHARED_TRY, &j->h, err) < 0
      || container_status_get (j->h, &st, err) < 0)
    return -1;
  if (st == CONTAINER_PAUSED && !j->o->ignore_paused)
    return casing_error_set (err, 0, "cannot exec in container `%s`: it is paused (--ignore-paused: the "
                             "process starts once it is resumed)", j->o->id);
  if (st != CONTAINER_CREATED && st != CONTAINER_RUNNING && st != CONTAINER_PAUSED)
    return casing_error_set (err, 0, "cannot exec in container `%s`: container not running (%s)",
                             j->o->id, container_status_name (st));
  config_path = state_store_path (j->h, "config.json");
  if (oci_config_parse_file (config_path, &j->config, &msg) < 0)
    return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot read the saved config"));
  j->state_json = container_state_json (j->h, st, false, err);
  if (j->state_json == NULL)
    return -1;
  j->pidfd = container_pidfd_open (j->h, err);
  if (j->pidfd < 0)
    return -1;
  /* A foreground exec may last long: do not keep `delete` waiting. */
  close (j->h->lock_fd);
  j->h->lock_fd = -1;
  j->ns_flags = differing_namespaces (j->h->state->pid);
  return cgroup_manager_load (j->h->state, &j->cgroup, err);
}

static int
prepare (struct exec_job *j, casing_error_t *err)
{
  const oci_process *p = j->o->process;
  const oci_linux *l;
  bool terminal = p->has_terminal && p->terminal;

  /* First of all (CVE-2019-5736): we are about to join the container. */
  if (self_exe_protect (err) < 0)
    return -1;
  /* Read on the host, never from the container's /proc/sys. */
  (void) caps_last_cap ();
  /* Which LSM is active is a host fact: learn it before joining or
   * building the container's mount namespace, where securityfs and the
   * host's /sys are out of sight. */
  (void) lsm_host_probe ();
  if (p->args_len == 0)
    return casing_error_set (err, EINVAL, "exec: process.args must have an entry");
  if (terminal && j->o->detach && j->o->console_socket == NULL)
    return casing_error_set (err, EINVAL, "exec --detach with a terminal needs --console-socket");
  if (!terminal && j->o->console_socket)
    return casing_error_set (err, EINVAL, "--console-socket given but no terminal requested");
  if (load_container (j, err) < 0)
    return -1;
  /* The container's annotations hold for its exec'd processes too. */
  container_apply_annotations (j->config);
  l = j->config->linux_;
  if (l && l->seccomp && seccomp_prepare (l->seccomp, &j->seccomp, err) < 0)
    return -1;
  if (j->o->console_socket)
    {
      j->console_sock = console_socket_connect (j->o->console_socket, err);
      if (j->console_sock < 0)
        return -1;
    }
  if (p->exec_cpu_affinity && p->exec_cpu_affinity->initial
      && process_apply_cpu_affinity (p->exec_cpu_affinity->initial, err) < 0)
    return -1;
  return 0;
}

/* The process that enters the container is split in two, so that nothing
 * a process of the container could take over ever shows in its pid
 * namespace:
 *  - the "joiner", a child of ours in the host's pid namespace (invisible
 *    from the container), joins every namespace and does the whole setup
 *    and confinement: LSM label, cwd, user, capabilities, no_new_privs,
 *    seccomp;
 *  - it then clones the container process, with CLONE_PARENT so it is our
 *    child, into the container's pid namespace: when it appears there it
 *    holds the final credentials and the filter, so a process of the
 *    container that ptraces it (CAP_SYS_PTRACE) gains nothing.  It makes
 *    its terminal the controlling one, opens the program (in the
 *    container's pid namespace, where /proc/self means itself) and execs.
 * When the filter would refuse that clone, or the scheduler resets on
 * fork, the confinement is left to the container process itself. */
struct joiner
{
  struct exec_job *j;
  struct final_exec f;
  struct exec_program prog;
  bool confine_in_child;
  int pty_slave;
};

/* Once in the container, keep none of the parent's fds (cgroup
 * directories, console socket, the caller's other fds) beyond what the
 * exec still needs. */
static int
drop_parent_fds (struct exec_job *j, casing_error_t *err)
{
  int keep[] = { j->sync_fd, j->pidfd, seccomp_program_listener_fd (j->seccomp), procfs_root_if_open () };

  if (close_fds_except (j->o->preserve_fds, keep, sizeof keep / sizeof keep[0], err) < 0)
    return casing_error_prefix (err, "close the fds of the setup");
  return 0;
}

static int
join_namespaces (struct exec_job *j, casing_error_t *err)
{
  if (j->ns_flags && setns (j->pidfd, j->ns_flags) < 0)
    return casing_error_errno (err, "join the namespaces of container `%s`", j->o->id);
  close (j->pidfd);
  j->pidfd = -1;
  if ((j->ns_flags & CLONE_NEWUSER) && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    return casing_error_errno (err, "become root in the user namespace");
  return 0;
}

static int
open_terminal (struct joiner *jn, casing_error_t *err)
{
  const oci_process *p = jn->f.process;
  cleanup_close int master = -1;
  cleanup_free char *name = NULL;

  if (!(p->has_terminal && p->terminal))
    return 0;
  if (console_open_pty (p->console_size, &master, &jn->pty_slave, &name, err) < 0)
    return -1;
  return sync_send (jn->j->sync_fd, SYNC_CONSOLE, name, strlen (name), master, err);
}

static int
apply_attributes (const oci_process *p, bool scheduler, casing_error_t *err)
{
  /* rlimits: in process_confine, last of all (confine_before_exec). */
  if (process_apply_oom_score_adj (p, err) < 0 || process_apply_io_priority (p, err) < 0)
    return -1;
  if (scheduler && process_apply_scheduler (p, err) < 0)
    return -1;
  /* config.md: execCPUAffinity is for exec only, never the container init;
   * `final` once the parent has moved us into the container's cgroup
   * (joining a cpuset resets the mask), before the seccomp filter. */
  if (p->exec_cpu_affinity && process_apply_cpu_affinity (p->exec_cpu_affinity->final, err) < 0)
    return -1;
  return 0;
}

static int
joiner_setup (struct joiner *jn, casing_error_t *err)
{
  struct exec_job *j = jn->j;
  struct sync_msg m = { .fd = -1 };

  if (drop_parent_fds (j, err) < 0)
    return -1;
  if (sync_expect (j->sync_fd, SYNC_PARENT_DONE, &m, "exec", err) < 0)
    return -1;
  sync_msg_clear (&m);
  TRACE_START (t);
  if (join_namespaces (j, err) < 0 || open_terminal (jn, err) < 0)
    return -1;
  TRACE_STEP (t, "namespaces", 1, NULL);
  t = trace_enabled () ? trace_now () : 0;
  /* In the container's mount namespace, still root: HOME of the exec's
   * user from the container's /etc/passwd, unless the env has one. */
  jn->f.env = env_with_home (jn->f.env, process_uid (jn->f.process));
  if (apply_attributes (jn->f.process, !jn->confine_in_child, err) < 0)
    return -1;
  if (process_apply_label (&jn->f, err) < 0 || process_enter_cwd (&jn->f, err) < 0)
    return -1;
  TRACE_STEP (t, "attributes-label-cwd", 1, NULL);
  t = trace_enabled () ? trace_now () : 0;
  if (!jn->confine_in_child && process_confine (&jn->f, err) < 0)
    return -1;
  TRACE_STEP (t, "confine", 1, NULL);
  /* Before the clone, or the container process would send them again. */
  sync_send_trace (j->sync_fd);
  return 0;
}

static int
open_and_check (struct joiner *jn, casing_error_t *err)
{
  TRACE_START (t);
  if (process_open_program (&jn->f, &jn->prog, err) < 0)
    return -1;
  TRACE_STEP (t, "program-open", 1, NULL);
  t = trace_enabled () ? trace_now () : 0;
  if (process_final_checks (&jn->f, &jn->prog, err) < 0)
    return -1;
  TRACE_STEP (t, "final-checks", 1, NULL);
  return 0;
}

/* The container process, between clone and exec. */
static void __attribute__ ((noreturn))
container_process (struct joiner *jn)
{
  cleanup_casing_error casing_error_t err = NULL;
  const oci_process *p = jn->f.process;
  int report = jn->j->sync_fd;

  trace_set_proc (TRACE_CONTAINER);
  if (!jn->j->o->detach && prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    casing_error_errno (&err, "prctl PR_SET_PDEATHSIG");
  else if (setsid () < 0)
    casing_error_errno (&err, "setsid");
  else if (jn->pty_slave >= 0 && console_make_controlling (jn->pty_slave, &err) < 0)
    ;
  else if (jn->confine_in_child && (apply_attributes (p, true, &err) < 0 || process_confine (&jn->f, &err) < 0))
    ;
  else if (open_and_check (jn, &err) < 0)
    ;
  else
    {
      if (jn->pty_slave > 2)
        close (jn->pty_slave);
      process_exec (&jn->f, &jn->prog, report);
    }
  sync_send_error (report, err);
  _exit (1);
}

static void __attribute__ ((noreturn))
exec_joiner (struct exec_job *j)
{
  cleanup_casing_error casing_error_t err = NULL;
  const oci_process *p = j->o->process;
  struct joiner jn = {
    .j = j,
    .f = {
      .process = p,
      .seccomp_config = j->config->linux_ ? j->config->linux_->seccomp : NULL,
      .seccomp = j->seccomp,
      .state_json = j->state_json,
      .env = strv_terminated (p->env, p->env_len),
      .preserve_fds = j->o->preserve_fds,
    },
    .prog = EXEC_PROGRAM_INIT,
    .confine_in_child = process_confined_after_clone (p, j->seccomp),
    .pty_slave = -1,
  };
  char pid[32];
  pid_t child;

  signals_reset_for_child ();
  trace_child (TRACE_JOINER);
  /* In the container's namespaces we stay in the host's pid namespace,
   * invisible there: our procfs handle is one of the host, opened now,
   * where /proc/self is us (for oom_score_adj and the LSM label).
   * process_enter_cwd drops it before chdir and before the container
   * process exists. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    casing_error_errno (&err, "prctl PR_SET_PDEATHSIG");
  else if (procfs_root (&err) < 0)
    ;
  else if (joiner_setup (&jn, &err) == 0)
    {
      child = (pid_t) syscall (SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
      if (child == 0)
        container_process (&jn);
      if (child > 0)
        {
          snprintf (pid, sizeof pid, "%d", (int) child);
          if (sync_send (j->sync_fd, SYNC_PID, pid, strlen (pid), -1, &err) < 0)
            kill (child, SIGKILL);
          _exit (0);
        }
      casing_error_errno (&err, "clone the container process");
    }
  sync_send_error (j->sync_fd, err);
  _exit (1);
}

static void
reap (pid_t *pid, bool kill_it)
{
  if (*pid <= 0)
    return;
  if (kill_it)
    kill (*pid, SIGKILL);
  while (waitpid (*pid, NULL, 0) < 0 && errno == EINTR)
    ;
  *pid = -1;
}

static int
take_pid (struct exec_job *j, const char *payload, casing_error_t *err)
{
  int64_t v;

  if (parse_int64 (payload, &v) < 0 || v <= 0 || v > INT32_MAX)
    return casing_error_set (err, EPROTO, "exec: bad pid `%s` from the joining process", payload);
  j->pid = (pid_t) v;
  reap (&j->joiner, false);
  return 0;
}

/* Until the container process has exec'ed: forward its pty, learn its pid,
 * then read EOF (exec closed the close-on-exec socket, and the joiner
 * exited) or the error that stopped it. */
static int
wait_for_exec (struct exec_job *j, casing_error_t *err)
{
  cleanup_casing_error casing_error_t failed = NULL;

  for (;;)
    {
      struct sync_msg m = { .fd = -1 };
      int r = sync_recv (j->sync_fd, &m, err);

      if (r < 0)
        return -1;
      if (r == 0)
        break;
      if (m.type == SYNC_ERROR && failed == NULL)
        casing_error_take (&failed, m.status, steal_pointer (&m.payload));
      else if (m.type == SYNC_PID && j->pid < 0)
        r = take_pid (j, m.payload, err);
      else if (m.type == SYNC_CONSOLE && m.fd >= 0)
        r = console_deliver_master (j->console_sock, m.payload, &m.fd, &j->console_master, err);
      sync_msg_clear (&m);
      if (r < 0)
        return -1;
    }
  if (failed)
    {
      *err = steal_pointer (&failed);
      return -1;
    }
  if (j->pid < 0)
    return casing_error_set (err, 0, "exec: the process joining container `%s` exited before it started",
                             j->o->id);
  return 0;
}

static int
spawn (struct exec_job *j, casing_error_t *err)
{
  int sync[2];

  if (sync_socketpair (sync, err) < 0)
    return -1;
  j->joiner = fork ();
  if (j->joiner < 0)
    {
      close (sync[0]);
      close (sync[1]);
      return casing_error_errno (err, "fork");
    }
  if (j->joiner == 0)
    {
      close (sync[0]);
      j->sync_fd = sync[1];
      exec_joiner (j);
    }
  close (sync[1]);
  j->sync_fd = sync[0];
  if ((j->o->n_cgroups ? cgroup_manager_enter_sub (j->cgroup, j->joiner, j->o->cgroups, j->o->n_cgroups, err)
                        : cgroup_manager_enter (j->cgroup, j->joiner, err))
      < 0)
    return -1;
  if (sync_send (j->sync_fd, SYNC_PARENT_DONE, NULL, 0, -1, err) < 0)
    return -1;
  if (wait_for_exec (j, err) < 0)
    return -1;
  if (j->o->pid_file && write_pid_file (j->o->pid_file, j->pid, err) < 0)
    return -1;
  return 0;
}

static void
exec_job_free (struct exec_job *j)
{
  if (j->pidfd >= 0)
    close (j->pidfd);
  if (j->console_sock >= 0)
    close (j->console_sock);
  if (j->console_master >= 0)
    close (j->console_master);
  if (j->sync_fd >= 0)
    close (j->sync_fd);
  if (j->seccomp)
    seccomp_program_free (j->seccomp);
  if (j->cgroup)
    cgroup_manager_free (j->cgroup);
  container_handle_free (j->h);
  oci_config_free (j->config);
  free (j->state_json);
}

int
container_exec (const struct container_exec_options *o, casing_error_t *err)
{
  struct exec_job j = {
    .o = o, .pidfd = -1, .console_sock = -1, .console_master = -1, .sync_fd = -1, .pid = -1, .joiner = -1,
  };
  int r;

  if (!o->detach && foreground_block_signals (true, err) < 0)
    return -1;
  TRACE_START (t);
  r = prepare (&j, err);
  TRACE_STEP (t, "exec-prepare", 0, o->id);
  t = trace_enabled () ? trace_now () : 0;
  if (r == 0)
    r = spawn (&j, err);
  TRACE_STEP (t, "exec-spawn", 0, "join, confine, clone, exec in the container");
  if (r < 0)
    {
      reap (&j.joiner, true);
      reap (&j.pid, true);
    }
  else if (r == 0 && !o->detach)
    {
      t = trace_enabled () ? trace_now () : 0;
      r = foreground_wait (j.pid, j.console_master, err);
      TRACE_STEP (t, "process-running", 0, NULL);
    }
  exec_job_free (&j);
  return r;
}
