/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start, kill and delete of an existing container. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "isolation/isolation.h"
#include "core/trace.h"
#include "core/utils.h"
#include "container.h"
#include "hooks.h"
#include "state_store.h"
#include "sync.h"

static int
load_saved_config (const struct container_handle *h, oci_config **out, casing_error_t *err)
{
  cleanup_free char *path = state_store_path (h, "config.json");
  char *msg = NULL;

  if (oci_config_parse_file (path, out, &msg) < 0)
    return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot read the saved config"));
  return 0;
}

int
container_load_config (const char *root, const char *id, oci_config **out, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;

  if (state_store_open (root, id, STATE_LOCK_SHARED_TRY, &h, err) < 0)
    return -1;
  return load_saved_config (h, out, err);
}

static int
connect_start_socket (const struct container_handle *h, casing_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return casing_error_errno (err, "socket");
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/start.sock", h->dirfd);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casing_error_errno (err, "container `%s`: connect to its start socket", h->id);
  /* From now on the container is no longer `created`, whatever happens. */
  unlinkat (h->dirfd, "start.sock", 0);
  return steal_fd (&fd);
}

/* Send the start request and wait until the init has exec'ed: EOF after
 * SYNC_EXEC means execve closed the socket (it is close-on-exec). */
static int
trigger_exec (struct container_handle *h, int sock, casing_error_t *err)
{
  cleanup_free char *state = container_state_json (h, CONTAINER_CREATED, false, err);
  struct sync_msg m = { .fd = -1 };
  int r;

  if (state == NULL || sync_send (sock, SYNC_START, state, strlen (state), -1, err) < 0)
    return -1;
  if (sync_expect (sock, SYNC_EXEC, &m, "start", err) < 0)
    return -1;
  sync_msg_clear (&m);
  r = sync_recv (sock, &m, err);
  if (r < 0)
    return -1;
  if (r > 0 && m.type == SYNC_ERROR)
    return casing_error_take (err, m.status, steal_pointer (&m.payload));
  sync_msg_clear (&m);
  return 0;
}

static int
run_poststart (struct container_handle *h, casing_error_t *err)
{
  cleanup_free char *state = NULL;
  oci_config *config = NULL;
  int r;

  if (load_saved_config (h, &config, err) < 0)
    return -1;
  state = container_state_json (h, CONTAINER_RUNNING, false, err);
  r = state ? hooks_run (config, HOOK_POSTSTART, state, err) : -1;
  oci_config_free (config);
  if (r < 0)
    {
      /* The spec: a failing poststart hook stops the container. */
      cleanup_close int pidfd = container_pidfd_open (h, NULL);
      if (pidfd >= 0)
        pidfd_send_signal (pidfd, SIGKILL, NULL, 0);
    }
  return r;
}

int
container_start (const char *root, const char *id, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  cleanup_close int sock = -1;
  enum container_status status;
  TRACE_START (t);
  int r;

  if (state_store_open (root, id, STATE_LOCK_EXCLUSIVE, &h, err) < 0
      || container_status_get (h, &status, err) < 0)
    return -1;
  if (status != CONTAINER_CREATED)
    return casing_error_set (err, 0, "cannot start container `%s`: it is %s, not created", id,
                             container_status_name (status));
  sock = connect_start_socket (h, err);
  TRACE_STEP (t, "start-connect", 0, id);
  t = trace_enabled () ? trace_now () : 0;
  r = sock < 0 ? -1 : trigger_exec (h, sock, err);
  TRACE_STEP (t, "start-exec", 0, "startContainer hooks, confinement, exec in the container");
  if (r < 0)
    return -1;
  t = trace_enabled () ? trace_now () : 0;
  free (h->state->status);
  h->state->status = xstrdup ("running");
  if (state_store_save (h, err) < 0)
    return -1;
  r = run_poststart (h, err);
  TRACE_STEP (t, "started", 0, "state saved, poststart hooks");
  return r;
}

int
container_kill (const char *root, const char *id, int signo, bool all, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  cleanup_close int pidfd = -1;
  enum container_status status;

  if (state_store_open (root, id, STATE_LOCK_SHARED_TRY, &h, err) < 0
      || container_status_get (h, &status, err) < 0)
    return -1;
  if (status == CONTAINER_STOPPED || status == CONTAINER_CREATING)
    return casing_error_set (err, 0, "container `%s`: container not running", id);
  if (all)
    return container_signal_all (h, signo, err);
  pidfd = container_pidfd_open (h, err);
  if (pidfd < 0)
    return -1;
  if (pidfd_send_signal (pidfd, signo, NULL, 0) < 0)
    {
      if (errno == ESRCH)
        return casing_error_set (err, 0, "container `%s`: container not running", id);
      return casing_error_errno (err, "container `%s`: send signal %d", id, signo);
    }
  return 0;
}

/* SIGKILL the init and wait until it is gone (a pidfd becomes readable when
 * the process exits, whoever its parent is). */
static int
kill_and_wait (struct container_handle *h, casing_error_t *err)
{
  cleanup_close int pidfd = container_pidfd_open (h, NULL);
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  if (pidfd < 0)
    return 0;
  if (pidfd_send_signal (pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return casing_error_errno (err, "kill container `%s`", h->id);
  while (poll (&p, 1, -1) < 0)
    if (errno != EINTR)
      return casing_error_errno (err, "wait for container `%s` to exit", h->id);
  return 0;
}

/* A frozen process never gets to die from SIGKILL: thaw first. */
static void
thaw (struct container_handle *h)
{
  struct cgroup_manager *m = NULL;

  if (cgroup_manager_load (h->state, &m, NULL) < 0)
    return;
  (void) cgroup_manager_freeze (m, false, NULL);
  cgroup_manager_free (m);
}

static int
destroy_cgroup (struct container_handle *h, container_warn_fn warn, casing_error_t *err)
{
  struct cgroup_manager *m = NULL;
  cleanup_casing_error casing_error_t load_err = NULL;
  int r;

  if (cgroup_manager_load (h->state, &m, &load_err) < 0)
    {
      /* A create killed before its cgroup was recorded made none. */
      if (h->state->status && strcmp (h->state->status, "creating") == 0)
        {
          if (warn)
            warn (load_err->msg);
          return 0;
        }
      return casing_error_take (err, load_err->status, steal_pointer (&load_err->msg));
    }
  (void) cgroup_manager_freeze (m, false, NULL);
  r = cgroup_manager_destroy (m, err);
  cgroup_manager_free (m);
  return r;
}

static void
run_poststop (struct container_handle *h, const oci_config *config, container_warn_fn warn)
{
  cleanup_casing_error casing_error_t err = NULL;
  cleanup_free char *state = NULL;
  const oci_hook *hooks;
  size_t n;

  state = container_state_json (h, CONTAINER_STOPPED, false, &err);
  hooks = hooks_of_kind (config, HOOK_POSTSTOP, &n);
  for (size_t i = 0; state && i < n; i++)
    if (hook_run (&hooks[i], HOOK_POSTSTOP, i, state, &err) < 0 && warn)
      {
        warn (err->msg);
        casing_error_release (&err);
      }
}

/* A container without a mount namespace left its mounts below the rootfs,
 * in ours: detach them now that it is gone. */
static void
release_host_mounts (struct container_handle *h, const oci_config *config, container_warn_fn warn)
{
  cleanup_casing_error casing_error_t err = NULL;

  if (h->state->rootfs && rootfs_release_host_mounts (config, h->state->rootfs, &err) < 0 && warn)
    warn (err->msg);
}

/* The steps of delete that need the saved config; none is saved when
 * create died before it got that far. */
static void
release_with_config (struct container_handle *h, container_warn_fn warn)
{
  cleanup_casing_error casing_error_t err = NULL;
  oci_config *config = NULL;

  if (load_saved_config (h, &config, &err) < 0)
    return;
  release_host_mounts (h, config, warn);
  run_poststop (h, config, warn);
  oci_config_free (config);
}

int
container_delete (const char *root, const char *id, bool force, container_warn_fn warn,
                  casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  enum container_status status;

  if (state_store_open (root, id, STATE_LOCK_EXCLUSIVE, &h, err) < 0)
    {
      /* containerd's shim runs `delete --force` after a successful delete. */
      if (force && *err && (*err)->status == ENOENT)
        {
          casing_error_release (err);
          return 0;
        }
      return -1;
    }
  if (container_status_get (h, &status, err) < 0)
    return -1;
  /* A created container is deleted too, its init killed, as runc does:
   * containerd's shim deletes a task that was created and never started
   * (a failed or cancelled start) with a plain `delete` and nothing else
   * (README: a deviation from the spec, which wants an error). */
  if (status != CONTAINER_STOPPED && status != CONTAINER_CREATED && !force)
    return casing_error_set (err, 0, "cannot delete container `%s` that is not stopped: %s", id,
                             container_status_name (status));
  if (status == CONTAINER_PAUSED)
    thaw (h);
  TRACE_START (t);
  if (kill_and_wait (h, err) < 0)
    return -1;
  TRACE_STEP (t, "delete-kill", 0, id);
  t = trace_enabled () ? trace_now () : 0;
  if (destroy_cgroup (h, warn, err) < 0)
    return -1;
  TRACE_STEP (t, "delete-cgroup", 0, NULL);
  t = trace_enabled () ? trace_now () : 0;
  release_with_config (h, warn);
  TRACE_STEP (t, "delete-release", 0, "host mounts, poststop hooks");
  t = trace_enabled () ? trace_now () : 0;
  if (state_store_remove (h, err) < 0)
    return -1;
  TRACE_STEP (t, "delete-state", 0, NULL);
  return 0;
}
