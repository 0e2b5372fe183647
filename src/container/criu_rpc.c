/* SPDX-License-Identifier: GPL-2.0-or-later */
/* criu_req and criu_resp of CRIU's rpc.proto.  The field numbers below are
 * the protocol (stable across criu 3.x); unknown answer fields are skipped,
 * so a newer criu still talks to us. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utils.h"
#include "criu_proto.h"
#include "criu_rpc.h"

/* criu_opts field numbers */
enum
{
  O_IMAGES_DIR_FD = 1, O_PID = 2, O_LEAVE_RUNNING = 3, O_EXT_UNIX_SK = 4, O_TCP_ESTABLISHED = 5,
  O_EVASIVE_DEVICES = 6, O_SHELL_JOB = 7, O_FILE_LOCKS = 8, O_LOG_LEVEL = 9, O_LOG_FILE = 10, O_PS = 11,
  O_NOTIFY_SCRIPTS = 12, O_ROOT = 13, O_PARENT_IMG = 14, O_TRACK_MEM = 15, O_AUTO_DEDUP = 16,
  O_WORK_DIR_FD = 17, O_LINK_REMAP = 18, O_EXT_MNT = 23, O_MANAGE_CGROUPS = 24, O_CG_ROOT = 25,
  O_RST_SIBLING = 26, O_INHERIT_FD = 27, O_AUTO_EXT_MNT = 28, O_EXT_SHARING = 29, O_EXT_MASTERS = 30,
  O_CG_MODE = 34, O_EXTERNAL = 37, O_EMPTY_NS = 38, O_JOIN_NS = 39, O_FREEZE_CGROUP = 44,
  O_TCP_SKIP_IN_FLIGHT = 46, O_LAZY_PAGES = 48, O_STATUS_FD = 49, O_ORPHAN_PTS_MASTER = 50,
  O_CONFIG_FILE = 51, O_TCP_CLOSE = 52, O_LSM_PROFILE = 53, O_LSM_MOUNT_CONTEXT = 63,
};

void
criu_opts_init (struct criu_opts *o)
{
  memset (o, 0, sizeof *o);
  o->images_dir_fd = -1;
  o->work_dir_fd = -1;
  o->status_fd = -1;
  o->cg_mode = -1;
  o->log_level = 4;
}

static void
pairs_free (struct criu_pair *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].a);
      free (v[i].b);
    }
  free (v);
}

void
criu_opts_release (struct criu_opts *o)
{
  pairs_free (o->ext_mnt, o->n_ext_mnt);
  pairs_free (o->join_ns, o->n_join_ns);
  pairs_free (o->cg_root, o->n_cg_root);
  for (size_t i = 0; i < o->n_inherit_fd; i++)
    free (o->inherit_fd[i].key);
  free (o->inherit_fd);
  for (size_t i = 0; i < o->n_external; i++)
    free (o->external[i]);
  free (o->external);
  criu_opts_init (o);
}

static void
pair_add (struct criu_pair **v, size_t *n, const char *a, const char *b)
{
  *v = xrealloc (*v, (*n + 1) * sizeof **v);
  (*v)[*n].a = a ? xstrdup (a) : NULL;
  (*v)[*n].b = b ? xstrdup (b) : NULL;
  (*n)++;
}

void
criu_opts_add_ext_mnt (struct criu_opts *o, const char *key, const char *val)
{
  pair_add (&o->ext_mnt, &o->n_ext_mnt, key, val);
}

bool
criu_opts_has_ext_mnt (const struct criu_opts *o, const char *key)
{
  for (size_t i = 0; i < o->n_ext_mnt; i++)
    if (strcmp (o->ext_mnt[i].a, key) == 0)
      return true;
  return false;
}

void
criu_opts_add_join_ns (struct criu_opts *o, const char *ns, const char *file)
{
  pair_add (&o->join_ns, &o->n_join_ns, ns, file);
}

void
criu_opts_add_cg_root (struct criu_opts *o, const char *ctrl, const char *path)
{
  pair_add (&o->cg_root, &o->n_cg_root, ctrl, path);
}

void
criu_opts_add_inherit_fd (struct criu_opts *o, const char *key, int fd)
{
  o->inherit_fd = xrealloc (o->inherit_fd, (o->n_inherit_fd + 1) * sizeof *o->inherit_fd);
  o->inherit_fd[o->n_inherit_fd].key = xstrdup (key);
  o->inherit_fd[o->n_inherit_fd].fd = fd;
  o->n_inherit_fd++;
}

void
criu_opts_add_external (struct criu_opts *o, const char *fmt, ...)
{
  va_list ap;
  char *s = NULL;

  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  va_end (ap);
  o->external = xrealloc (o->external, (o->n_external + 1) * sizeof (char *));
  o->external[o->n_external++] = s;
}

static void
put_pairs (struct pb_buf *b, unsigned field, const struct criu_pair *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct pb_buf sub = { 0 };
      if (v[i].a)
        pb_put_string (&sub, 1, v[i].a);
      if (v[i].b)
        pb_put_string (&sub, 2, v[i].b);
      pb_put_message (b, field, &sub);
      pb_buf_free (&sub);
    }
}

static void
put_string_if (struct pb_buf *b, unsigned field, const char *s)
{
  if (s)
    pb_put_string (b, field, s);
}

static void
put_true_if (struct pb_buf *b, unsigned field, bool v)
{
  if (v)
    pb_put_bool (b, field, true);
}

static void
put_flags (struct pb_buf *b, const struct criu_opts *o)
{
  put_true_if (b, O_LEAVE_RUNNING, o->leave_running);
  put_true_if (b, O_EXT_UNIX_SK, o->ext_unix_sk);
  put_true_if (b, O_TCP_ESTABLISHED, o->tcp_established);
  put_true_if (b, O_EVASIVE_DEVICES, o->evasive_devices);
  put_true_if (b, O_SHELL_JOB, o->shell_job);
  put_true_if (b, O_FILE_LOCKS, o->file_locks);
  put_true_if (b, O_NOTIFY_SCRIPTS, o->notify_scripts);
  put_true_if (b, O_TRACK_MEM, o->track_mem);
  put_true_if (b, O_AUTO_DEDUP, o->auto_dedup);
  put_true_if (b, O_LINK_REMAP, o->link_remap);
  put_true_if (b, O_MANAGE_CGROUPS, o->manage_cgroups);
  put_true_if (b, O_RST_SIBLING, o->rst_sibling);
  put_true_if (b, O_AUTO_EXT_MNT, o->auto_ext_mnt);
  put_true_if (b, O_EXT_SHARING, o->ext_sharing);
  put_true_if (b, O_EXT_MASTERS, o->ext_masters);
  put_true_if (b, O_TCP_SKIP_IN_FLIGHT, o->tcp_skip_in_flight);
  put_true_if (b, O_LAZY_PAGES, o->lazy_pages);
  put_true_if (b, O_ORPHAN_PTS_MASTER, o->orphan_pts_master);
  put_true_if (b, O_TCP_CLOSE, o->tcp_close);
}

static void
put_page_server (struct pb_buf *b, const struct criu_opts *o)
{
  struct pb_buf ps = { 0 };

  if (o->ps_address == NULL)
    return;
  pb_put_string (&ps, 1, o->ps_address);
  pb_put_int (&ps, 2, o->ps_port);
  pb_put_message (b, O_PS, &ps);
  pb_buf_free (&ps);
}

static void
put_lists (struct pb_buf *b, const struct criu_opts *o)
{
  put_pairs (b, O_EXT_MNT, o->ext_mnt, o->n_ext_mnt);
  put_pairs (b, O_CG_ROOT, o->cg_root, o->n_cg_root);
  for (size_t i = 0; i < o->n_inherit_fd; i++)
    {
      struct pb_buf sub = { 0 };
      pb_put_string (&sub, 1, o->inherit_fd[i].key);
      pb_put_int (&sub, 2, o->inherit_fd[i].fd);
      pb_put_message (b, O_INHERIT_FD, &sub);
      pb_buf_free (&sub);
    }
  for (size_t i = 0; i < o->n_external; i++)
    pb_put_string (b, O_EXTERNAL, o->external[i]);
  put_pairs (b, O_JOIN_NS, o->join_ns, o->n_join_ns);
}

static void
encode_opts (struct pb_buf *b, const struct criu_opts *o)
{
  pb_put_int (b, O_IMAGES_DIR_FD, o->images_dir_fd);
  if (o->work_dir_fd >= 0)
    pb_put_int (b, O_WORK_DIR_FD, o->work_dir_fd);
  if (o->pid > 0)
    pb_put_int (b, O_PID, o->pid);
  pb_put_int (b, O_LOG_LEVEL, o->log_level);
  put_string_if (b, O_LOG_FILE, o->log_file);
  put_string_if (b, O_ROOT, o->root);
  put_string_if (b, O_PARENT_IMG, o->parent_img);
  put_string_if (b, O_FREEZE_CGROUP, o->freeze_cgroup);
  put_string_if (b, O_LSM_PROFILE, o->lsm_profile);
  put_string_if (b, O_LSM_MOUNT_CONTEXT, o->lsm_mount_context);
  put_string_if (b, O_CONFIG_FILE, o->config_file);
  if (o->status_fd >= 0)
    pb_put_int (b, O_STATUS_FD, o->status_fd);
  if (o->cg_mode >= 0)
    pb_put_uint (b, O_CG_MODE, (uint64_t) o->cg_mode);
  if (o->empty_ns)
    pb_put_uint (b, O_EMPTY_NS, o->empty_ns);
  put_flags (b, o);
  put_page_server (b, o);
  put_lists (b, o);
}

void
criu_req_encode (struct pb_buf *out, enum criu_req_type type, const struct criu_opts *o,
                 bool notify_success, bool features)
{
  pb_put_uint (out, 1, type);
  if (o)
    {
      struct pb_buf opts = { 0 };
      encode_opts (&opts, o);
      pb_put_message (out, 2, &opts);
      pb_buf_free (&opts);
    }
  if (type == CRIU_REQ_NOTIFY)
    pb_put_bool (out, 3, notify_success);
  if (features)
    {
      struct pb_buf f = { 0 };
      pb_put_bool (&f, 1, true); /* mem_track */
      pb_put_bool (&f, 2, true); /* lazy_pages */
      pb_put_message (out, 5, &f);
      pb_buf_free (&f);
    }
}

void
criu_resp_release (struct criu_resp *r)
{
  free (r->notify_script);
  free (r->cr_errmsg);
  if (r->fd >= 0)
    close (r->fd);
  memset (r, 0, sizeof *r);
  r->fd = -1;
}

/* Iterate over an embedded message, calling fn for each field. */
typedef int (*field_fn) (struct criu_resp *r, const struct pb_field *f);

static int
each_field (const uint8_t *data, size_t len, field_fn fn, struct criu_resp *r)
{
  struct pb_reader rd;
  struct pb_field f;
  int n;

  pb_reader_init (&rd, data, len);
  while ((n = pb_next (&rd, &f)) > 0)
    if (fn (r, &f) < 0)
      return -1;
  return n;
}

static int
restore_field (struct criu_resp *r, const struct pb_field *f)
{
  if (f->number == 1 && f->wire == PB_VARINT)
    r->restore_pid = (pid_t) (int32_t) f->value;
  return 0;
}

static int
notify_field (struct criu_resp *r, const struct pb_field *f)
{
  if (f->number == 1 && f->wire == PB_LEN && r->notify_script == NULL)
    r->notify_script = pb_field_string (f);
  else if (f->number == 2 && f->wire == PB_VARINT)
    r->notify_pid = (pid_t) (int32_t) f->value;
  return 0;
}

static int
features_field (struct criu_resp *r, const struct pb_field *f)
{
  if (f->wire != PB_VARINT)
    return 0;
  if (f->number == 1)
    r->feat_mem_track = f->value != 0;
  else if (f->number == 2)
    r->feat_lazy_pages = f->value != 0;
  return 0;
}

static int
version_field (struct criu_resp *r, const struct pb_field *f)
{
  if (f->wire != PB_VARINT)
    return 0;
  if (f->number == 1)
    r->version_major = (int) f->value;
  else if (f->number == 2)
    r->version_minor = (int) f->value;
  else if (f->number == 4)
    r->version_sublevel = (int) f->value;
  return 0;
}

static int
nested (struct criu_resp *r, const struct pb_field *f, field_fn fn)
{
  if (f->wire != PB_LEN)
    return -1;
  return each_field (f->data, f->len, fn, r);
}

static int
resp_field (struct criu_resp *r, const struct pb_field *f)
{
  switch (f->number)
    {
    case 1:
      r->type = (int) f->value;
      return 0;
    case 2:
      r->success = f->value != 0;
      return 0;
    case 4:
      return nested (r, f, restore_field);
    case 5:
      return nested (r, f, notify_field);
    case 7:
      r->cr_errno = (int) f->value;
      return 0;
    case 8:
      r->has_features = true;
      return nested (r, f, features_field);
    case 9:
      if (f->wire == PB_LEN && r->cr_errmsg == NULL)
        r->cr_errmsg = pb_field_string (f);
      return 0;
    case 10:
      r->has_version = true;
      return nested (r, f, version_field);
    }
  return 0;
}

int
criu_resp_decode (const void *data, size_t len, struct criu_resp *out, casing_error_t *err)
{
  int fd = out->fd;

  memset (out, 0, sizeof *out);
  out->fd = fd;
  if (each_field (data, len, resp_field, out) < 0)
    return casing_error_set (err, EPROTO, "criu sent a malformed answer (%zu bytes)", len);
  if (out->type == 0)
    return casing_error_set (err, EPROTO, "criu sent an answer without a type");
  return 0;
}
