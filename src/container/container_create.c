/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `create`, parent side: everything is recorded in the state directory
 * before it is made (state `creating`, then the cgroup, then the pid), so a
 * casing killed at any point leaves something `delete --force` can undo. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "confine/confine.h"
#include "confine/exe_protect.h"
#include "confine/lsm.h"
#include "isolation/isolation.h"
#include "core/log.h"
#include "core/trace.h"
#include "core/rootless.h"
#include "core/utils.h"
#include "validate/validate.h"
#include "bundle_setup.h"
#include "console.h"
#include "container.h"
#include "container_internal.h"
#include "hooks.h"
#include "state_store.h"
#include "sync.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* struct clone_args of <linux/sched.h>, which clashes with <sched.h>. */
struct clone3_args
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};

struct create_job
{
  const struct container_create_options *o;
  struct bundle_setup b; /* config, state, cgroup, console socket */
  struct seccomp_program *seccomp;
  struct rootfs_context rootfs_ctx;
  bool rootfs_ctx_prepared;
  char **env;
  int preserve_fds;
  int console_master;
  int listen_fd;
  int sync_fd;
  int pid_ns_fd; /* a pid namespace joined by path (joined_pid.c), else -1 */
  pid_t child;   /* our child, the init (the setup process when joining) */
  pid_t pid;     /* the container's pid (the init, or the process it made) */
};

/* The steps `restore` shares (bundle_setup.c). */
static int
load_config (struct create_job *j, casing_error_t *err)
{
  /* The seccomp filter is compiled there, once: it is what the init loads. */
  return bundle_setup_load (&j->b, false, &j->seccomp, err);
}

static int
check_terminal_options (struct create_job *j, casing_error_t *err)
{
  return bundle_setup_terminal (&j->b, err);
}

static int
record_state (struct create_job *j, casing_error_t *err)
{
  return bundle_setup_record_state (&j->b, err);
}

static int
create_cgroup (struct create_job *j, casing_error_t *err)
{
  return bundle_setup_cgroup (&j->b, err);
}

/* start.sock: `start` connects here.  Bound through /proc/self/fd so a long
 * --root does not hit the 108-byte limit of sun_path.  bind(2) gives the
 * file the mode of the socket inode minus the umask: made owner-only first,
 * a loose umask of the caller cannot open it to others.  The init learns
 * who created the container from this socket: the kernel keeps the
 * credentials of the caller of listen(2) on it. */
static int
create_start_socket (struct create_job *j, casing_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return casing_error_errno (err, "socket");
  j->listen_fd = fd;
  if (fchmod (fd, 0600) < 0)
    return casing_error_errno (err, "restrict the mode of the start socket");
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/start.sock", j->b.h->dirfd);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casing_error_errno (err, "bind `%s/start.sock`", j->b.h->dir);
  if (listen (fd, 4) < 0)
    return casing_error_errno (err, "listen on `%s/start.sock`", j->b.h->dir);
  return 0;
}

/* The environment of the process: systemd socket activation passes its
 * fds on (LISTEN_PID is set by the child, which knows its own pid). */
static void
prepare_env (struct create_job *j)
{
  const char *listen = getenv ("LISTEN_FDS");
  int64_t n;

  j->env = strv_terminated (j->b.config->process->env, j->b.config->process->env_len);
  j->preserve_fds = j->o->preserve_fds;
  if (listen && parse_int64 (listen, &n) == 0 && n > 0 && n < 4096)
    {
      char **old = j->env;
      j->env = env_set (old, "LISTEN_FDS", listen);
      free (old);
      j->preserve_fds += (int) n;
    }
}

/* NOTIFY_SOCKET: systemd-notify inside the container must reach the host
 * socket.  A unix socket is found by its inode, whatever the network
 * namespace, so binding the socket file at the same path in the container
 * is enough.  An abstract socket ("@name") has no file: it is found by name
 * in the network namespace, so it reaches the host only from a container
 * that shares the runtime's network namespace, where passing the variable
 * is enough.  (runc and crun proxy through a socket of their own instead:
 * that needs a process of ours to outlive `create`, which casing avoids.) */
static void
add_notify_socket (struct create_job *j)
{
  const char *path = getenv ("NOTIFY_SOCKET");
  oci_config *c = j->b.config;
  oci_mount *m;
  char **old;

  if (path && path[0] == '@' && path[1] != '\0')
    {
      if (config_has_namespace (c, "network"))
        {
          log_warning ("NOTIFY_SOCKET `%s` is abstract and the container has its own network "
                       "namespace: not forwarded", path);
          return;
        }
      old = j->env;
      j->env = env_set (old, "NOTIFY_SOCKET", path);
      free (old);
      return;
    }
  if (path == NULL || path[0] != '/')
    return;
  c->mounts = xrealloc (c->mounts, (c->mounts_len + 1) * sizeof (oci_mount));
  m = &c->mounts[c->mounts_len++];
  memset (m, 0, sizeof *m);
  m->destination = xstrdup (path);
  m->source = xstrdup (path);
  m->type = xstrdup ("bind");
  m->options = xmalloc0 (2 * sizeof (char *));
  m->options[0] = xstrdup ("bind");
  m->options_len = 1;
  old = j->env;
  j->env = env_set (old, "NOTIFY_SOCKET", path);
  free (old);
}

static pid_t
clone_container (uint64_t flags, int cgroup_fd, bool *into_cgroup, casing_error_t *err)
{
  struct clone3_args args = { .flags = flags, .exit_signal = SIGCHLD };
  pid_t pid;

  *into_cgroup = false;
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = cgroup_fd;
    }
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid >= 0)
    {
      *into_cgroup = cgroup_fd >= 0;
      return pid;
    }
  if (errno != ENOSYS && errno != E2BIG && !(cgroup_fd >= 0 && errno == EINVAL))
    return casing_error_errno (err, "clone3");
  pid = syscall (SYS_clone, (unsigned long) flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    return casing_error_errno (err, "clone");
  return pid;
}

static int
spawn_init (struct create_job *j, casing_error_t *err)
{
  int sync[2], flags;
  bool into_cgroup;
  struct container_child_ctx ctx = {
    .config = j->b.config,
    .rootfs_ctx = &j->rootfs_ctx,
    .id = j->o->id,
    .bundle = j->b.bundle,
    .rootfs = j->b.rootfs,
    .no_pivot = j->o->no_pivot,
    .no_new_keyring = j->o->no_new_keyring,
    .preserve_fds = j->preserve_fds,
    .seccomp = j->seccomp,
    .env = j->env,
    .no_process = j->b.no_process,
    .pid_ns_fd = j->pid_ns_fd,
    .pty_slave = -1,
  };

  flags = namespaces_clone_flags (j->b.config, err);
  if (flags < 0)
    return -1;
  if (sync_socketpair (sync, err) < 0)
    return -1;
  ctx.sync_fd = sync[1];
  ctx.inherited_fds[0] = j->b.h->lock_fd;
  ctx.inherited_fds[1] = j->b.h->dirfd;
  ctx.inherited_fds[2] = j->b.console_sock;
  ctx.log_fd = log_get_fd ();
  ctx.start_listen_fd = j->listen_fd;
  j->sync_fd = sync[0];
  j->pid = clone_container ((unsigned) flags, cgroup_manager_clone_fd (j->b.cgroup), &into_cgroup,
                            err);
  if (j->pid == 0)
    {
      close (sync[0]);
      container_child_main (&ctx);
    }
  j->child = j->pid;
  close (sync[1]);
  if (j->pid_ns_fd >= 0)
    {
      close (j->pid_ns_fd);
      j->pid_ns_fd = -1;
    }
  rootfs_context_release (&j->rootfs_ctx);
  j->rootfs_ctx_prepared = false;
  if (j->pid < 0)
    return -1;
  j->b.h->state->has_pid = true;
  j->b.h->state->pid = j->pid;
  if (process_start_time (j->pid, &j->b.h->state->pid_start_time, err) < 0)
    return -1;
  j->b.h->state->has_pid_start_time = true;
  if (state_store_save (j->b.h, err) < 0)
    return -1;
  if (into_cgroup)
    return 0;
  int placed = cgroup_manager_enter (j->b.cgroup, j->pid, err);
  if (placed < 0)
    return -1;
  /* systemd driver: where the scope landed is known only now. */
  if (placed > 0 && (cgroup_manager_save (j->b.cgroup, j->b.h->state, err) < 0 || state_store_save (j->b.h, err) < 0))
    return -1;
  return 0;
}

static int
finish_parent_setup (struct create_job *j, casing_error_t *err)
{
  const oci_linux *l = j->b.config->linux_;

  if (config_has_namespace (j->b.config, "user")
      && userns_write_mappings (j->pid, j->b.config, err) < 0)
    return -1;
  if (netdevices_move (j->pid, j->b.config, err) < 0)
    return -1;
  /* The device rules before the init makes /dev: v1 takes them one write
   * at a time, deny-all first, and a mknod in between fails. */
  if (cgroup_manager_apply_devices (j->b.cgroup, l ? l->resources : NULL, err) < 0)
    return -1;
  if (sync_send (j->sync_fd, SYNC_PARENT_DONE, NULL, 0, -1, err) < 0)
    return -1;
  /* The limits while the init sets up (it is in the cgroup already): they
   * are in place before it reports ready, long before the container's
   * program runs. */
  return cgroup_manager_apply_limits (j->b.cgroup, l ? l->resources : NULL, err);
}

/* The hooks of create see the container as `created`, as runc and crun
 * give it and runtime-tools checks (hooks_stdin): the spec runs them once
 * the environment is set up, and `state` already has the pid. */
static int
run_runtime_hooks (struct create_job *j, casing_error_t *err)
{
  cleanup_free char *state = container_state_json (j->b.h, CONTAINER_CREATED, false, err);

  if (state == NULL)
    return -1;
  TRACE_START (t);
  if (hooks_run (j->b.config, HOOK_PRESTART, state, err) < 0)
    return -1;
  TRACE_STEP (t, "hooks", 1, "prestart");
  t = trace_enabled () ? trace_now () : 0;
  if (hooks_run (j->b.config, HOOK_CREATE_RUNTIME, state, err) < 0)
    return -1;
  TRACE_STEP (t, "hooks", 1, "createRuntime");
  return sync_send (j->sync_fd, SYNC_HOOKS_DONE, state, strlen (state), -1, err);
}

static int
handle_console (struct create_job *j, struct sync_msg *m, casing_error_t *err)
{
  if (m->fd < 0)
    return casing_error_set (err, EPROTO, "no pty master received from the container");
  return console_deliver_master (j->b.console_sock, m->payload, &m->fd, &j->console_master, err);
}

/* Why the init died when it closed the socket without a word. */
static int
init_died (struct create_job *j, casing_error_t *err)
{
  int status = 0;

  while (waitpid (j->child, &status, 0) < 0 && errno == EINTR)
    ;
  j->pid = j->child = -1;
  if (WIFSIGNALED (status))
    return casing_error_set (err, 0, "container init was killed by signal %d during setup",
                             WTERMSIG (status));
  return casing_error_set (err, 0, "container init exited with status %d during setup",
                           WEXITSTATUS (status));
}

/* Joining a pid namespace, the container's pid is that of the process the
 * init made there (joined_pid.c). */
static int
take_container_pid (struct create_job *j, const char *payload, casing_error_t *err)
{
  casing_state *s = j->b.h->state;
  int64_t v;

  if (parse_int64 (payload, &v) < 0 || v <= 0 || v > INT32_MAX)
    return casing_error_set (err, EPROTO, "bad pid `%s` from the container init", payload);
  j->pid = (pid_t) v;
  s->pid = j->pid;
  if (process_start_time (j->pid, &s->pid_start_time, err) < 0)
    return -1;
  return state_store_save (j->b.h, err);
}

static int
wait_until_ready (struct create_job *j, casing_error_t *err)
{
  for (;;)
    {
      struct sync_msg m = { .fd = -1 };
      int r = sync_recv (j->sync_fd, &m, err);

      if (r < 0)
        return -1;
      if (r == 0)
        return init_died (j, err);
      switch (m.type)
        {
        case SYNC_ERROR:
          r = casing_error_take (err, m.status, steal_pointer (&m.payload));
          break;
        case SYNC_RUN_HOOKS:
          r = run_runtime_hooks (j, err);
          break;
        case SYNC_CONSOLE:
          r = handle_console (j, &m, err);
          break;
        case SYNC_PID:
          r = take_container_pid (j, m.payload, err);
          break;
        case SYNC_READY:
          sync_msg_clear (&m);
          return 0;
        default:
          r = casing_error_set (err, EPROTO, "unexpected message %u from the container init",
                                m.type);
        }
      sync_msg_clear (&m);
      if (r < 0)
        return -1;
    }
}

static int
mark_created (struct create_job *j, casing_error_t *err)
{
  struct sync_msg m = { .fd = -1 };

  free (j->b.h->state->status);
  j->b.h->state->status = xstrdup ("created");
  if (state_store_save (j->b.h, err) < 0)
    return -1;
  if (j->o->pid_file && write_pid_file (j->o->pid_file, j->pid, err) < 0)
    return -1;
  if (sync_send (j->sync_fd, SYNC_CREATED, NULL, 0, -1, err) < 0)
    return -1;
  if (sync_expect (j->sync_fd, SYNC_DETACHED, &m, "container creation", err) < 0)
    return -1;
  sync_msg_clear (&m);
  return 0;
}

static void
undo_create (struct create_job *j)
{
  if (j->pid > 0 && j->pid != j->child)
    kill (j->pid, SIGKILL);
  if (j->child > 0)
    {
      kill (j->child, SIGKILL);
      while (waitpid (j->child, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (j->b.cgroup)
    (void) cgroup_manager_destroy (j->b.cgroup, NULL);
  /* Without a mount namespace the child's mounts are in ours. */
  if (j->b.config && j->b.rootfs)
    (void) rootfs_release_host_mounts (j->b.config, j->b.rootfs, NULL);
  if (j->b.h)
    (void) state_store_remove (j->b.h, NULL);
}

static void
create_job_free (struct create_job *j)
{
  if (j->rootfs_ctx_prepared)
    rootfs_context_release (&j->rootfs_ctx);
  free (j->env); /* the vector only: the strings belong to the config */
  if (j->listen_fd >= 0)
    close (j->listen_fd);
  if (j->sync_fd >= 0)
    close (j->sync_fd);
  if (j->pid_ns_fd >= 0)
    close (j->pid_ns_fd);
  if (j->seccomp)
    seccomp_program_free (j->seccomp);
  bundle_setup_release (&j->b);
}

static int
prepare_rootfs_context (struct create_job *j, casing_error_t *err)
{
  const oci_config *c = j->b.config;

  j->rootfs_ctx = (struct rootfs_context){
    .config = c,
    .rootfs = j->b.rootfs,
    .bundle = j->b.bundle,
    .no_pivot = j->o->no_pivot,
    /* Root of a user namespace someone made for us (rootless Podman) is
     * as unprivileged over devices and file systems as a new one. */
    .has_userns = config_has_namespace (c, "user") || rootless_in_user_namespace (),
    .has_netns = config_has_namespace (c, "network"),
    .has_cgroupns = config_has_namespace (c, "cgroup"),
    .has_terminal = c->process->has_terminal && c->process->terminal,
    .rootfs_fd = -1,
    .pid_ns_fd = j->pid_ns_fd,
  };
  j->rootfs_ctx_prepared = true;
  return rootfs_prepare_parent (&j->rootfs_ctx, err);
}

static int
protect (struct create_job *j, casing_error_t *err)
{
  (void) j;
  /* Non-dumpable before anything else: nothing read or opened from now on
   * (config, state, the binary's own handle) is reachable via /proc/PID. */
  if (self_exe_protect (err) < 0)
    return -1;
  /* Which LSM is active is a host fact: learn it before joining or
   * building the container's mount namespace, where securityfs and the
   * host's /sys are out of sight. */
  (void) lsm_host_probe ();
  return 0;
}

/* The filter was compiled by the validation (load_config); its notify
 * listener is connected now. */
static int
connect_seccomp_listener (struct create_job *j, casing_error_t *err)
{
  const oci_linux *l = j->b.config->linux_;
  return l ? seccomp_connect_listener (j->seccomp, l->seccomp, err) : 0;
}

static int
prepare_namespaces (struct create_job *j, casing_error_t *err)
{
  return namespaces_prepare_parent (j->b.config, &j->pid_ns_fd, err);
}

static int
prepare_environment (struct create_job *j, casing_error_t *err)
{
  (void) err;
  prepare_env (j);
  add_notify_socket (j);
  return 0;
}

/* The steps of create in the runtime, in order; each is a level 0 step of
 * the trace (docs/ARCHITECTURE.md has the whole sequence). */
static const struct
{
  const char *name;
  int (*run) (struct create_job *j, casing_error_t *err);
} create_sequence[] = {
  { "protect", protect },
  { "config", load_config },
  { "console-socket", check_terminal_options },
  { "seccomp-listener", connect_seccomp_listener },
  { "state-record", record_state },
  { "cgroup-create", create_cgroup },
  { "namespaces-prepare", prepare_namespaces },
  { "environment", prepare_environment },
  { "rootfs-prepare", prepare_rootfs_context },
  { "start-socket", create_start_socket },
  { "clone", spawn_init },
  { "parent-setup", finish_parent_setup },
  { "init-setup", wait_until_ready },
  { "created", mark_created },
};

static int
create_steps (struct create_job *j, casing_error_t *err)
{
  for (size_t i = 0; i < sizeof create_sequence / sizeof create_sequence[0]; i++)
    {
      TRACE_START (t);
      int r = create_sequence[i].run (j, err);
      TRACE_STEP (t, create_sequence[i].name, 0, r < 0 ? "failed" : NULL);
      if (r < 0)
        return -1;
    }
  return 0;
}

int
container_create (const struct container_create_options *o, struct container_created *out,
                  casing_error_t *err)
{
  struct create_job j = {
    .o = o,
    .b = { BUNDLE_SETUP_INIT, .root = o->root, .id = o->id, .dir = o->bundle, .console_socket = o->console_socket,
           .systemd_cgroup = o->systemd_cgroup, .no_cgroup = o->no_cgroup, .rootless = o->rootless,
           .keep_console_master = o->keep_console_master },
    .console_master = -1, .listen_fd = -1, .sync_fd = -1, .pid_ns_fd = -1,
    .child = -1, .pid = -1,
  };
  int r = create_steps (&j, err);

  if (r < 0)
    {
      undo_create (&j);
      if (j.console_master >= 0)
        close (j.console_master);
    }
  else
    {
      out->pid = j.pid;
      out->console_master = j.console_master;
    }
  create_job_free (&j);
  return r;
}
