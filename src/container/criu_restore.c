/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `restore`: a container made from a bundle and a checkpoint.  As with
 * `create`, everything is recorded before it exists (state `creating`,
 * then the cgroup, then the pid), so a casing killed at any point leaves
 * something `delete --force` undoes, and a failure undoes it all.
 *
 * criu runs as our child in a mount namespace of its own (nothing it
 * mounts reaches the host), inside the container's cgroups with their
 * limits already applied, and restores the root task as our child
 * (rst_sibling): after `restore -d` it is reparented like the init of
 * `create`; in the foreground we wait for it as `run` does. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "confine/confine.h"
#include "confine/exe_protect.h"
#include "confine/lsm.h"
#include "core/log.h"
#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate/validate.h"
#include "bundle_setup.h"
#include "console.h"
#include "criu_internal.h"
#include "hooks.h"
#include "state_store.h"

struct restore_job
{
  const struct container_restore_options *o;
  container_warn_fn warn;
  struct bundle_setup b; /* config, state, cgroup, console socket: as create */
  char *criu;
  struct criu_dirs dirs;
  struct criu_opts opts;
  struct criu_swrk swrk;
  int *ns_fds;       /* -1 terminated */
  size_t n_ns_fds;
  int console_master;
  char *cgroups;     /* /proc/PID/cgroup of criu, in the container's cgroups */
  char **cgroup_dirs; /* their host directories */
  char *lsm_profile; /* TYPE:NAME criu gives the tasks */
  pid_t pid;         /* the restored root task, once criu told us */
};

/* As `create` (bundle_setup.c); criu must be able to restore what the
 * config asks for. */
static int
load_bundle (struct restore_job *j, casing_error_t *err)
{
  if (bundle_setup_load (&j->b, true, NULL, err) < 0)
    return -1;
  return criu_check_supported (j->b.config, j->o->rootless, "restore", err);
}

/* The label the tasks get: --lsm-profile, else the config's (the images
 * say what the dumped process had, which is not for them to decide). */
static char *
lsm_profile (struct restore_job *j)
{
  const struct lsm_host *host = lsm_host_probe ();
  const oci_process *p = j->b.config->process;
  char *s = NULL;

  if (j->o->lsm_profile)
    return xstrdup (j->o->lsm_profile);
  if (p->apparmor_profile && *p->apparmor_profile && host->apparmor_enabled)
    xasprintf (&s, "apparmor:%s", p->apparmor_profile);
  else if (p->selinux_label && *p->selinux_label && host->selinux_enabled)
    xasprintf (&s, "selinux:%s", p->selinux_label);
  return s;
}

static int
build_opts (struct restore_job *j, casing_error_t *err)
{
  struct criu_opts *c = &j->opts;
  int cg_mode;

  if (criu_cg_mode_parse (j->o->c.manage_cgroups_mode, &cg_mode, err) < 0)
    return -1;
  criu_opts_common (c, &j->o->c, cg_mode);
  c->images_dir_fd = j->dirs.images;
  c->work_dir_fd = j->dirs.work;
  c->log_file = CRIU_RESTORE_LOG;
  c->root = j->b.rootfs;
  c->rst_sibling = true;
  /* Device files are found again by their device number. */
  c->evasive_devices = true;
  c->tcp_close = j->o->tcp_close;
  c->lsm_profile = j->lsm_profile = lsm_profile (j);
  c->lsm_mount_context = j->o->lsm_mount_context;
  c->config_file = criu_config_file (j->b.config);
  if (criu_ns_restore (j->b.config, c, &j->ns_fds, &j->n_ns_fds, err) < 0
      || criu_stdio_restore (j->dirs.images, c, err) < 0)
    return -1;
  return criu_mounts_restore (j->b.config, j->b.bundle, c, err);
}

/* criu in the container's cgroups before it restores anything: the
 * restored tasks start there, under the limits. */
static int
start_criu (struct restore_job *j, casing_error_t *err)
{
  const oci_linux *l = j->b.config->linux_;
  size_t n = j->n_ns_fds + 2;
  cleanup_free int *keep = xmalloc0 (n * sizeof (int));
  int reopen[] = { j->dirs.images, j->dirs.work };
  const char *paths[] = { j->o->c.image_path, j->dirs.work_path };
  struct criu_spawn s = { .criu_path = j->criu, .keep_fds = keep, .n_keep_fds = n, .private_root = j->b.rootfs,
                          .reopen_fds = reopen, .reopen_paths = paths, .n_reopen = 2 };
  bool seccomp;
  int placed;

  keep[0] = j->dirs.images;
  keep[1] = j->dirs.work;
  for (size_t i = 0; i < j->n_ns_fds; i++)
    keep[i + 2] = j->ns_fds[i];
  if (criu_confinement (j->b.config, &s.no_new_privs, &seccomp, err) < 0)
    return -1;
  if (criu_swrk_start (&s, &j->swrk, err) < 0)
    return -1;
  placed = cgroup_manager_enter (j->b.cgroup, j->swrk.pid, err);
  if (placed < 0)
    return -1;
  if (placed > 0 && (cgroup_manager_save (j->b.cgroup, j->b.h->state, err) < 0 || state_store_save (j->b.h, err) < 0))
    return -1;
  if (cgroup_manager_apply (j->b.cgroup, l ? l->resources : NULL, err) < 0)
    return -1;
  j->cgroups = criu_proc_cgroup (j->swrk.pid, err);
  if (j->cgroups == NULL)
    return -1;
  j->cgroup_dirs = criu_cgroup_dirs (j->cgroups);
  /* "ignore": criu leaves the tasks where it is, which is where they go. */
  if (j->opts.cg_mode == CRIU_CG_IGNORE)
    return 0;
  return criu_cg_roots (j->swrk.pid, &j->opts, err);
}

/* The pid is recorded as soon as criu names it: a casing killed from now
 * on leaves a container `delete --force` can find and kill. */
static int
record_pid (struct restore_job *j, pid_t pid, casing_error_t *err)
{
  casing_state *s = j->b.h->state;

  if (pid <= 0)
    return casing_error_set (err, EPROTO, "criu gave no pid for the restored process");
  if (j->pid == pid && s->has_pid)
    return 0;
  j->pid = pid;
  s->has_pid = true;
  s->pid = pid;
  if (process_start_time (pid, &s->pid_start_time, err) < 0)
    return -1;
  s->has_pid_start_time = true;
  return state_store_save (j->b.h, err);
}

static int
run_creation_hooks (struct restore_job *j, casing_error_t *err)
{
  cleanup_free char *state = container_state_json (j->b.h, CONTAINER_CREATING, false, err);

  if (state == NULL)
    return -1;
  if (hooks_run (j->b.config, HOOK_PRESTART, state, err) < 0)
    return -1;
  return hooks_run (j->b.config, HOOK_CREATE_RUNTIME, state, err);
}

/* CRIU made a new pty pair in the container's devpts for the terminal the
 * dumped process had: its master goes where `create` sends one. */
static int
deliver_console (struct restore_job *j, int fd, casing_error_t *err)
{
  char name[64];

  if (j->b.console_sock < 0 && !j->o->keep_console_master)
    {
      close (fd);
      return casing_error_set (err, EINVAL, "the checkpoint has a terminal: --console-socket is required");
    }
  if (ptsname_r (fd, name, sizeof name) != 0)
    snprintf (name, sizeof name, "/dev/console");
  if (j->console_master >= 0)
    close (j->console_master);
  j->console_master = -1;
  int r = console_deliver_master (j->b.console_sock, name, &fd, &j->console_master, err);
  if (fd >= 0)
    close (fd);
  return r;
}

/* Namespaces, cgroups and mounts, before anything of the images runs. */
static int
verify_placement (struct restore_job *j, pid_t pid, casing_error_t *err)
{
  struct criu_mount_check mc = {
    .config = j->b.config, .rootfs = j->b.rootfs, .bundle = j->b.bundle, .cgroup_dirs = j->cgroup_dirs,
  };

  if (criu_verify_placement (j->b.config, j->cgroups, j->swrk.pid, pid, err) < 0)
    return -1;
  return criu_verify_mounts (&mc, pid, err);
}

static int
notified (void *data, const char *script, pid_t pid, int fd, casing_error_t *err)
{
  struct restore_job *j = data;

  log_debug ("criu: %s (pid %d%s)", script, (int) pid, fd >= 0 ? ", with an fd" : "");
  if (strcmp (script, "orphan-pts-master") == 0)
    return fd >= 0 ? deliver_console (j, fd, err)
                   : casing_error_set (err, EPROTO, "criu sent no pty master");
  if (fd >= 0)
    close (fd);
  if (strcmp (script, "setup-namespaces") == 0)
    return record_pid (j, pid, err) < 0 ? -1 : run_creation_hooks (j, err);
  /* The tasks are restored and still stopped: nothing runs before they
   * are checked against the config. */
  if (strcmp (script, "post-restore") == 0)
    return record_pid (j, pid, err) < 0 ? -1 : verify_placement (j, pid, err);
  return 0;
}

static int
restore (struct restore_job *j, casing_error_t *err)
{
  struct criu_resp r = { .fd = -1 };
  int ret;

  if (criu_swrk_call (&j->swrk, CRIU_REQ_RESTORE, &j->opts, false, notified, j, &r, err) < 0)
    {
      criu_resp_release (&r);
      return casing_error_prefix (err, "restore container `%s`", j->o->id);
    }
  if (!r.success)
    ret = criu_failure (&j->dirs, CRIU_RESTORE_LOG, &r, "restore", err);
  else
    ret = record_pid (j, r.restore_pid, err);
  criu_resp_release (&r);
  (void) criu_swrk_finish (&j->swrk);
  return ret;
}

static int
run_poststart (struct restore_job *j, casing_error_t *err)
{
  cleanup_free char *state = container_state_json (j->b.h, CONTAINER_RUNNING, false, err);

  if (state == NULL)
    return -1;
  return hooks_run (j->b.config, HOOK_POSTSTART, state, err);
}

/* The container is running: limits again (CRIU's "full" and "strict"
 * modes write the dumped values back), then the state, the pid file and
 * the poststart hooks, as `start` ends. */
static int
finish (struct restore_job *j, casing_error_t *err)
{
  const oci_linux *l = j->b.config->linux_;

  if (criu_verify_creds (j->b.config, j->lsm_profile, j->pid, err) < 0)
    return -1;
  if (cgroup_manager_apply (j->b.cgroup, l ? l->resources : NULL, err) < 0)
    return casing_error_prefix (err, "apply the cgroup limits again after the restore");
  free (j->b.h->state->status);
  j->b.h->state->status = xstrdup ("running");
  if (state_store_save (j->b.h, err) < 0)
    return -1;
  if (j->o->pid_file && write_pid_file (j->o->pid_file, j->pid, err) < 0)
    return -1;
  return run_poststart (j, err);
}

static int
restore_steps (struct restore_job *j, casing_error_t *err)
{
  /* As `create`: nothing read from now on is reachable via /proc/PID. */
  if (self_exe_protect (err) < 0)
    return -1;
  (void) lsm_host_probe ();
  if (load_bundle (j, err) < 0 || bundle_setup_terminal (&j->b, err) < 0)
    return -1;
  if (criu_find (j->o->c.criu_path, &j->criu, err) < 0)
    return -1;
  if (criu_dirs_open (j->o->c.image_path, j->o->c.work_path, false, &j->dirs, err) < 0)
    return -1;
  if (build_opts (j, err) < 0 || criu_verify_images (j->b.config, j->dirs.images, err) < 0)
    return -1;
  if (rootfs_make_bind_mountpoints (j->b.config, j->b.rootfs, j->b.bundle, err) < 0)
    return -1;
  if (bundle_setup_record_state (&j->b, err) < 0 || bundle_setup_cgroup (&j->b, err) < 0)
    return -1;
  if (start_criu (j, err) < 0 || restore (j, err) < 0)
    return -1;
  return finish (j, err);
}

static void
reap (pid_t pid)
{
  while (pid > 0 && waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* What could not be undone is worth a warning: it is left on the host. */
static void
warn_of (struct restore_job *j, casing_error_t *e)
{
  if (*e && j->warn)
    j->warn ((*e)->msg);
  casing_error_release (e);
}

/* criu kills what it restored when it fails; a failure after it is done
 * (hooks, pid file) leaves the tree running: kill it through the cgroup,
 * which holds every task and criu too. */
static void
undo (struct restore_job *j)
{
  cleanup_casing_error casing_error_t e = NULL;

  if (j->swrk.pid > 0)
    kill (j->swrk.pid, SIGKILL);
  (void) criu_swrk_finish (&j->swrk);
  if (j->pid > 0 && j->b.h && container_pid_matches (j->pid, j->b.h->state->pid_start_time))
    kill (j->pid, SIGKILL);
  if (j->b.cgroup && cgroup_manager_destroy (j->b.cgroup, &e) < 0)
    warn_of (j, &e);
  /* The root task was our child (rst_sibling). */
  reap (j->pid);
  if (j->b.h && state_store_remove (j->b.h, &e) < 0)
    warn_of (j, &e);
}

static void
job_free (struct restore_job *j)
{
  (void) criu_swrk_finish (&j->swrk);
  for (size_t i = 0; i < j->n_ns_fds; i++)
    close (j->ns_fds[i]);
  free (j->ns_fds);
  criu_opts_release (&j->opts);
  criu_dirs_close (&j->dirs);
  bundle_setup_release (&j->b);
  free (j->criu);
  free (j->cgroups);
  for (char **d = j->cgroup_dirs; d && *d; d++)
    free (*d);
  free (j->cgroup_dirs);
  free (j->lsm_profile);
}

int
container_restore (const struct container_restore_options *o, struct container_restored *out,
                   container_warn_fn warn, casing_error_t *err)
{
  struct restore_job j = {
    .o = o, .warn = warn, .swrk = { .pid = -1, .sock = -1 }, .console_master = -1,
    .b = { BUNDLE_SETUP_INIT, .root = o->root, .id = o->id, .dir = o->bundle, .console_socket = o->console_socket,
           .systemd_cgroup = o->systemd_cgroup, .no_cgroup = o->no_cgroup, .rootless = o->rootless,
           .keep_console_master = o->keep_console_master },
    .dirs = { .images = -1, .work = -1 },
  };
  int r;

  criu_opts_init (&j.opts);
  r = restore_steps (&j, err);
  if (r < 0)
    {
      undo (&j);
      if (j.console_master >= 0)
        close (j.console_master);
    }
  else
    {
      out->pid = j.pid;
      out->console_master = j.console_master;
    }
  job_free (&j);
  return r;
}
