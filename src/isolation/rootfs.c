/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's root filesystem: bind it on itself in the new mount
 * namespace, mount everything under it, switch to it, then lock it down. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/log.h"
#include "core/syscalls.h"
#include "core/trace.h"
#include "core/utils.h"

int
rootfs_resolve_path (const oci_config *config, const char *bundle, char **out, casing_error_t *err)
{
  cleanup_free char *p = NULL;
  struct stat st;

  if (config->root == NULL || config->root->path == NULL)
    return casing_error_set (err, EINVAL, "root.path: required");
  if (config->root->path[0] == '/' || bundle == NULL)
    p = xstrdup (config->root->path);
  else
    xasprintf (&p, "%s/%s", bundle, config->root->path);
  if (stat (p, &st) < 0)
    return casing_error_errno (err, "root.path: `%s`", p);
  if (! S_ISDIR (st.st_mode))
    return casing_error_set (err, ENOTDIR, "root.path: `%s` is not a directory", p);
  *out = realpath (p, NULL);
  if (*out == NULL)
    return casing_error_errno (err, "root.path: `%s`", p);
  return 0;
}

static bool
mount_wants_idmap (const oci_mount *m)
{
  if (m->uid_mappings_len || m->gid_mappings_len)
    return true;
  for (size_t j = 0; j < m->options_len; j++)
    if (strcmp (m->options[j], "idmap") == 0 || strcmp (m->options[j], "ridmap") == 0)
      return true;
  return false;
}

int
rootfs_prepare_parent (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_config *c = ctx->config;

  rootfs_context_release (ctx);
  ctx->premounted_fds = xmalloc0 ((c->mounts_len + 1) * sizeof (int));
  ctx->premounted_fds_len = c->mounts_len;
  for (size_t i = 0; i < c->mounts_len; i++)
    ctx->premounted_fds[i] = -1;
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      if (! mount_wants_idmap (&c->mounts[i]))
        continue;
      ctx->premounted_fds[i] = mounts_open_bind_tree (ctx, i, err);
      if (ctx->premounted_fds[i] < 0)
        {
          rootfs_context_release (ctx);
          return -1;
        }
    }
  return 0;
}

void
rootfs_context_release (struct rootfs_context *ctx)
{
  for (size_t i = 0; ctx->premounted_fds && i < ctx->premounted_fds_len; i++)
    if (ctx->premounted_fds[i] >= 0)
      close (ctx->premounted_fds[i]);
  free (ctx->premounted_fds);
  ctx->premounted_fds = NULL;
  ctx->premounted_fds_len = 0;
}

static const char *
rootfs_propagation (const oci_config *c)
{
  return c->linux_ ? c->linux_->rootfs_propagation : NULL;
}

uint64_t
rootfs_isolation_propagation (const oci_config *c)
{
  const char *p = rootfs_propagation (c);
  uint64_t f;
  bool rec;

  if (p && mount_propagation_parse (p, &f, &rec) == 0 && (f == MS_SHARED || f == MS_SLAVE))
    return MS_SLAVE;
  return MS_PRIVATE;
}

/* Nothing we mount may propagate to the host: every mount below `target`
 * becomes a slave (events still come in from the host, as "shared"/"slave"
 * ask) or private.  With a mount namespace of its own, `target` is "/",
 * before anything is mounted; in the runtime's namespace it is only the
 * rootfs, once bound on itself (the host's "/" is not ours to change).
 * Copies of host mounts made elsewhere get the same (mount_clone_tree). */
static int
isolate_from_host (const oci_config *c, const char *target, casing_error_t *err)
{
  const char *p = rootfs_propagation (c);
  unsigned long flag = rootfs_isolation_propagation (c);
  uint64_t f;
  bool rec;

  if (p && mount_propagation_parse (p, &f, &rec) < 0)
    return casing_error_set (err, EINVAL, "linux.rootfsPropagation: unknown value `%s`", p);
  if (mount (NULL, target, NULL, MS_REC | flag, NULL) < 0)
    return casing_error_errno (err, "make `%s` %s", target, flag == MS_SLAVE ? "rslave" : "rprivate");
  return 0;
}

static bool
has_mount_at (const oci_config *c, const char *dest, bool *is_bind)
{
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      cleanup_free char *d = path_normalize (c->mounts[i].destination ? c->mounts[i].destination : "");
      if (strcmp (d, dest) != 0)
        continue;
      if (is_bind)
        {
          struct mount_options o;
          *is_bind = false;
          if (mount_options_parse (c->mounts[i].options, c->mounts[i].options_len, &o, NULL) == 0)
            {
              *is_bind = mount_is_bind (&c->mounts[i], &o);
              mount_options_release (&o);
            }
        }
      return true;
    }
  return false;
}

/* Without a /dev in `mounts`, the container still gets one: a small tmpfs. */
static int
mount_default_dev (struct rootfs_context *ctx, casing_error_t *err)
{
  cleanup_close int target = path_open_in_root (ctx->rootfs_fd, "/dev", PATH_CREATE_DIR, err);
  if (target < 0)
    return casing_error_prefix (err, "/dev");
  return mount_fs_on_fd ("tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", target,
                         "`/dev`", err);
}

static int
bind_rootfs (struct rootfs_context *ctx, casing_error_t *err)
{
  if (mount (ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      int e = errno;
      /* The mounts are done as the container's root: in a user namespace
       * that is an unprivileged host uid, which must be able to reach the
       * rootfs (as with runc and crun). */
      if (e == EACCES && ctx->has_userns)
        return casing_error_set (err, e, "bind the root filesystem `%s` (in a user namespace the path "
                                 "must be reachable by the container's root, host uid %u)", ctx->rootfs,
                                 (unsigned) getuid ());
      return casing_error_set (err, e, "bind the root filesystem `%s`", ctx->rootfs);
    }
  if (ctx->rootfs_fd >= 0)
    close (ctx->rootfs_fd);
  ctx->rootfs_fd = open (ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->rootfs_fd < 0)
    return casing_error_errno (err, "open the root filesystem `%s`", ctx->rootfs);
  return 0;
}

/* Without a mount namespace of its own the container inherits the
 * runtime's (config-linux.md, "namespaces"): its mounts are made there,
 * below the rootfs, as runc does.  A rootfs that is the host's "/" would
 * then put them over the host's own /proc, /dev and /sys. */
static int
bind_rootfs_isolated (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_config *c = ctx->config;

  if (config_has_namespace (c, "mount"))
    return isolate_from_host (c, "/", err) < 0 ? -1 : bind_rootfs (ctx, err);
  /* The validation refused this; the last guard against mounting over the
   * host's own /proc, /dev and /sys stays here, whoever calls. */
  if (path_is_root (ctx->rootfs))
    return casing_error_set (err, EINVAL, "root.path: the host's `/` cannot be the root filesystem "
                             "without a `mount` namespace in linux.namespaces");
  if (bind_rootfs (ctx, err) < 0)
    return -1;
  return isolate_from_host (c, ctx->rootfs, err);
}

int
rootfs_prepare (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_config *c = ctx->config;
  bool dev_is_bind = false, has_dev;

  if (bind_rootfs_isolated (ctx, err) < 0)
    return -1;
  /* Relative overlay lowerdir/upperdir and bind sources are relative to the bundle. */
  if (ctx->bundle && chdir (ctx->bundle) < 0)
    log_debug ("chdir to the bundle `%s`: %s (relative overlay paths will not resolve)", ctx->bundle,
               strerror (errno));
  has_dev = has_mount_at (c, "/dev", &dev_is_bind);
  if (! has_dev && mount_default_dev (ctx, err) < 0)
    return -1;
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      TRACE_START (t);
      int r = mounts_do_one (ctx, i, err);
      TRACE_STEP (t, "mount", 2, c->mounts[i].destination);
      if (r < 0)
        return -1;
    }
  if (devices_setup_dev (ctx, ! dev_is_bind, err) < 0 || devices_create_config (ctx, err) < 0)
    return -1;
  return masked_paths_prepare (ctx, err);
}

static int
switch_root (struct rootfs_context *ctx, casing_error_t *err)
{
  if (fchdir (ctx->rootfs_fd) < 0)
    return casing_error_errno (err, "chdir to the root filesystem");
  /* In the runtime's mount namespace, pivot_root or a move onto "/" would
   * change the root of every process of the host. */
  if (! config_has_namespace (ctx->config, "mount"))
    {
      if (chroot (".") < 0)
        return casing_error_errno (err, "chroot to the root filesystem");
      return 0;
    }
  if (ctx->no_pivot)
    {
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return casing_error_errno (err, "move the root filesystem to `/`");
      if (chroot (".") < 0)
        return casing_error_errno (err, "chroot to the root filesystem");
      return 0;
    }
  /* pivot_root(".", ".") stacks the old root on top of the new one; it is
   * then detached without ever needing a directory for it in the image. */
  if (sys_pivot_root (".", ".") < 0)
    return casing_error_errno (err, "pivot_root to `%s`", ctx->rootfs);
  /* The old root is rslave or rprivate since isolate_from_host(), so the
   * unmount does not propagate to the host.  (A mount(MS_SLAVE) on "."
   * here would hit the new root, below the old one, and undo the
   * propagation asked for the container's own mounts.) */
  if (umount2 (".", MNT_DETACH) < 0)
    return casing_error_errno (err, "detach the old root");
  return 0;
}

int
rootfs_pivot (struct rootfs_context *ctx, casing_error_t *err)
{
  if (ctx->rootfs_fd < 0)
    return casing_error_set (err, EINVAL, "rootfs_pivot: the root filesystem was not prepared");
  if (switch_root (ctx, err) < 0)
    return -1;
  if (chdir ("/") < 0)
    return casing_error_errno (err, "chdir to `/`");
  close (ctx->rootfs_fd);
  ctx->rootfs_fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->rootfs_fd < 0)
    return casing_error_errno (err, "open `/`");
  return 0;
}

int
rootfs_bind_console (struct rootfs_context *ctx, int slave_fd, casing_error_t *err)
{
  cleanup_close int target = -1;
  int root = ctx->rootfs_fd >= 0 ? ctx->rootfs_fd : AT_FDCWD;

  target = path_open_in_root (root, "/dev/console", PATH_CREATE_FILE, err);
  if (target < 0)
    return casing_error_prefix (err, "/dev/console");
  return mount_bind_fd (slave_fd, target, false, 0, "`/dev/console`", err);
}

static int
apply_root_propagation (const oci_config *c, casing_error_t *err)
{
  const char *p = rootfs_propagation (c);
  cleanup_close int root = -1;
  uint64_t flag;
  bool rec;

  if (p == NULL)
    return 0;
  if (mount_propagation_parse (p, &flag, &rec) < 0)
    return casing_error_set (err, EINVAL, "linux.rootfsPropagation: unknown value `%s`", p);
  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return casing_error_errno (err, "open `/`");
  if (mount_set_attrs (root, rec, 0, 0, flag, "`/`", err) < 0)
    return casing_error_prefix (err, "linux.rootfsPropagation `%s`", p);
  return 0;
}

int
rootfs_finalize (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_config *c = ctx->config;

  if (masked_paths_apply (ctx, err) < 0 || readonly_paths_apply (c, err) < 0)
    return -1;
  if (apply_root_propagation (c, err) < 0)
    return -1;
  if (c->root && c->root->readonly)
    {
      cleanup_close int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (root < 0)
        return casing_error_errno (err, "open `/`");
      /* Only the root mount: /proc, /dev, volumes keep their own flags. */
      if (mount_set_attrs (root, false, MOUNT_ATTR_RDONLY, 0, 0, "`/`", err) < 0)
        return casing_error_prefix (err, "root.readonly");
    }
  return 0;
}

int
rootfs_release_host_mounts (const oci_config *config, const char *rootfs, casing_error_t *err)
{
  if (config_has_namespace (config, "mount") || rootfs == NULL || path_is_root (rootfs))
    return 0;
  /* EINVAL: not a mount point any more (already released). */
  if (umount2 (rootfs, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    return casing_error_errno (err, "detach the mounts of the root filesystem `%s`", rootfs);
  return 0;
}
