/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `checkpoint`: dump a running container with CRIU.  The container stays
 * locked (no start, update, delete meanwhile); CRIU freezes it through
 * its freezer cgroup, dumps the tree of its process with the mounts,
 * namespaces, stdio and cgroups described as below, and (without
 * --leave-running) kills it: the container is then deleted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utils.h"
#include "criu_internal.h"
#include "state_store.h"

struct checkpoint_job
{
  const struct container_checkpoint_options *o;
  struct container_handle *h;
  oci_config *config;
  char *criu;
  char *freezer;
  struct criu_dirs dirs;
  struct criu_opts opts;
  struct criu_swrk swrk;
};

static int
load (struct checkpoint_job *j, casing_error_t *err)
{
  cleanup_free char *path = NULL;
  enum container_status status;
  char *msg = NULL;

  if (state_store_open (j->o->root, j->o->id, STATE_LOCK_EXCLUSIVE, &j->h, err) < 0
      || container_status_get (j->h, &status, err) < 0)
    return -1;
  if (status != CONTAINER_RUNNING && status != CONTAINER_PAUSED)
    return casing_error_set (err, 0, "cannot checkpoint container `%s`: it is %s, not running", j->o->id,
                             container_status_name (status));
  path = state_store_path (j->h, "config.json");
  if (oci_config_parse_file (path, &j->config, &msg) < 0)
    return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot read the saved config"));
  return criu_check_supported (j->config, j->h->state->rootless, "checkpoint", err);
}

/* ADDRESS:PORT (the address may be an IPv6 one with colons). */
static int
page_server (struct checkpoint_job *j, casing_error_t *err)
{
  const char *ps = j->o->page_server, *colon;
  int64_t port;

  if (ps == NULL)
    return 0;
  colon = strrchr (ps, ':');
  if (colon == NULL || colon == ps || parse_int64 (colon + 1, &port) < 0 || port <= 0 || port > 65535)
    return casing_error_set (err, EINVAL, "--page-server `%s`: use ADDRESS:PORT", ps);
  j->opts.ps_address = strndup (ps, (size_t) (colon - ps));
  j->opts.ps_port = (int) port;
  return 0;
}

static int
build_opts (struct checkpoint_job *j, casing_error_t *err)
{
  const struct container_checkpoint_options *o = j->o;
  struct criu_opts *c = &j->opts;
  int cg_mode;
  pid_t pid = (pid_t) j->h->state->pid;

  if (criu_cg_mode_parse (o->c.manage_cgroups_mode, &cg_mode, err) < 0)
    return -1;
  criu_opts_common (c, &o->c, cg_mode);
  c->images_dir_fd = j->dirs.images;
  c->work_dir_fd = j->dirs.work;
  c->log_file = CRIU_DUMP_LOG;
  c->pid = pid;
  c->root = j->h->state->rootfs;
  c->leave_running = o->leave_running || o->pre_dump;
  c->tcp_skip_in_flight = o->tcp_skip_in_flight;
  c->status_fd = o->status_fd;
  c->config_file = criu_config_file (j->config);
  /* Iterative migration: only the pages changed since the parent. */
  if (o->parent_path)
    {
      c->parent_img = o->parent_path;
      c->track_mem = true;
    }
  if (o->pre_dump)
    c->track_mem = true;
  j->freezer = criu_freezer_path (pid);
  c->freeze_cgroup = j->freezer;
  if (page_server (j, err) < 0 || criu_ns_dump (j->config, pid, c, err) < 0)
    return -1;
  /* A pre-dump saves memory only. */
  if (o->pre_dump)
    return 0;
  if (criu_mounts_dump (j->config, pid, c, err) < 0)
    return -1;
  return criu_stdio_dump (pid, j->dirs.images, c, err);
}

static int
spawn (struct checkpoint_job *j, casing_error_t *err)
{
  int keep[] = { j->dirs.images, j->dirs.work, j->o->status_fd };
  struct criu_spawn s = { .criu_path = j->criu, .keep_fds = keep, .n_keep_fds = 3 };

  return criu_swrk_start (&s, &j->swrk, err);
}

/* Pre-dump and lazy pages depend on the kernel (soft-dirty bits,
 * userfaultfd): ask criu before asking for them (a criu of its own: swrk
 * ends after one request). */
static int
check_features (struct checkpoint_job *j, casing_error_t *err)
{
  struct criu_spawn s = { .criu_path = j->criu };
  struct criu_swrk w = { .pid = -1, .sock = -1 };
  struct criu_resp r = { .fd = -1 };
  int ret = 0;

  if (!j->opts.track_mem && !j->opts.lazy_pages)
    return 0;
  if (criu_swrk_start (&s, &w, err) < 0)
    return -1;
  ret = criu_swrk_call (&w, CRIU_REQ_FEATURE_CHECK, NULL, true, NULL, NULL, &r, err);
  (void) criu_swrk_finish (&w);
  if (ret < 0)
    return casing_error_prefix (err, "ask criu for its features");
  if (j->opts.track_mem && !r.feat_mem_track)
    ret = casing_error_set (err, ENOTSUP, "criu cannot track memory changes on this kernel "
                            "(soft-dirty pages): no --pre-dump or --parent-path");
  else if (j->opts.lazy_pages && !r.feat_lazy_pages)
    ret = casing_error_set (err, ENOTSUP, "criu cannot use lazy pages on this kernel (userfaultfd)");
  criu_resp_release (&r);
  return ret;
}

static int
ack (void *data, const char *script, pid_t pid, int fd, casing_error_t *err)
{
  (void) data, (void) err;
  log_debug ("criu: %s (pid %d)", script, (int) pid);
  if (fd >= 0)
    close (fd);
  return 0;
}

static int
dump (struct checkpoint_job *j, casing_error_t *err)
{
  enum criu_req_type type = j->o->pre_dump ? CRIU_REQ_PRE_DUMP : CRIU_REQ_DUMP;
  const char *what = j->o->pre_dump ? "pre-dump" : "dump";
  struct criu_resp r = { .fd = -1 };
  int ret;

  if (criu_swrk_call (&j->swrk, type, &j->opts, false, ack, j, &r, err) < 0)
    return casing_error_prefix (err, "criu %s", what);
  ret = r.success ? 0 : criu_failure (&j->dirs, CRIU_DUMP_LOG, &r, what, err);
  criu_resp_release (&r);
  return ret;
}

static void
job_free (struct checkpoint_job *j)
{
  if (j->swrk.pid > 0 || j->swrk.sock >= 0)
    (void) criu_swrk_finish (&j->swrk);
  free ((char *) j->opts.ps_address);
  criu_opts_release (&j->opts);
  criu_dirs_close (&j->dirs);
  free (j->freezer);
  free (j->criu);
  oci_config_free (j->config);
  container_handle_free (j->h);
}

int
container_checkpoint (const struct container_checkpoint_options *o, container_warn_fn warn, casing_error_t *err)
{
  struct checkpoint_job j = { .o = o, .swrk = { .pid = -1, .sock = -1 } };
  bool ended;
  int r;

  criu_opts_init (&j.opts);
  j.dirs.images = j.dirs.work = -1;
  r = load (&j, err);
  if (r == 0)
    r = criu_find (o->c.criu_path, &j.criu, err);
  if (r == 0)
    r = criu_dirs_open (o->c.image_path, o->c.work_path, true, &j.dirs, err);
  if (r == 0)
    r = build_opts (&j, err);
  if (r == 0)
    r = check_features (&j, err);
  if (r == 0)
    r = spawn (&j, err);
  if (r == 0)
    r = dump (&j, err);
  ended = r == 0 && !o->leave_running && !o->pre_dump;
  /* The lock is released first: delete takes it again. */
  job_free (&j);
  if (r < 0)
    return -1;
  /* CRIU killed the processes it dumped: what is left is the state. */
  if (ended)
    return container_delete (o->root, o->id, true, warn, err);
  return 0;
}
