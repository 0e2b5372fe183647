/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maskedPaths and readonlyPaths, applied after the switch to the new root.
 * The /dev/null we bind must really be the 1:3 device and /proc targets
 * must really be on procfs: an image (or a racing container process) could
 * otherwise make us bind something it controls, or mask a lookalike while
 * the real file stays readable (runc CVE-2025-31133, CVE-2025-52565).
 * The null device comes from the host's /dev, cloned before the pivot:
 * the container's /dev may be a bind of anything, or lack `null`. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/procfs.h"
#include "core/utils.h"

static bool
is_proc_path (const char *norm)
{
  return strcmp (norm, "/proc") == 0 || strncmp (norm, "/proc/", 6) == 0;
}

/* fd of the target, 0 when it does not exist (nothing to do), -1 on error. */
static int
open_target (int root, const char *path, const char *what, int *out, casing_error_t *err)
{
  cleanup_casing_error casing_error_t local = NULL;
  cleanup_free char *norm = path_normalize (path);
  int fd;

  /* The validation refused a relative path; the lookup is in the root
   * whatever the spelling. */
  fd = path_open_in_root (root, norm, PATH_NO_CREATE, &local);
  if (fd < 0 && (local->status == ENOENT || local->status == ENOTDIR))
    return 0;
  if (fd < 0)
    return casing_error_set (err, local->status, "%s: %s", what, local->msg);
  if (is_proc_path (norm) && procfs_check_fd (fd, path, NULL) < 0)
    {
      close (fd);
      return casing_error_set (err, EXDEV, "%s: `%s` is not on procfs", what, path);
    }
  *out = fd;
  return 1;
}

static int
check_null_device (int fd, const char *where, casing_error_t *err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return casing_error_errno (err, "maskedPaths: stat `%s`", where);
  if (! S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    return casing_error_set (err, EPERM, "maskedPaths: `%s` is not the null device (1:3)", where);
  return 0;
}

int
masked_paths_prepare (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_linux *l = ctx->config->linux_;
  cleanup_close int src = -1;
  size_t n = l ? l->masked_paths_len : 0;

  if (n == 0)
    return 0;
  src = open ("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0)
    return casing_error_errno (err, "maskedPaths: open the host's `/dev/null`");
  if (check_null_device (src, "/dev/null", err) < 0)
    return -1;
  ctx->null_trees = xmalloc0 (n * sizeof (int));
  ctx->null_trees_len = n;
  for (size_t i = 0; i < n; i++)
    {
      ctx->null_trees[i] = mount_clone_tree (src, "", false, MS_SLAVE, "`/dev/null` for maskedPaths", err);
      if (ctx->null_trees[i] < 0)
        return -1;
    }
  return 0;
}

static void
null_trees_release (struct rootfs_context *ctx)
{
  for (size_t i = 0; i < ctx->null_trees_len; i++)
    if (ctx->null_trees[i] >= 0)
      close (ctx->null_trees[i]);
  free (ctx->null_trees);
  ctx->null_trees = NULL;
  ctx->null_trees_len = 0;
}

/* Bind a null device over the file `target`. */
static int
mask_file (struct rootfs_context *ctx, int root, size_t i, int target, const char *what, casing_error_t *err)
{
  cleanup_close int devnull = -1;

  if (ctx->null_trees && i < ctx->null_trees_len && ctx->null_trees[i] >= 0)
    {
      cleanup_close int tree = steal_fd (&ctx->null_trees[i]);
      return mount_attach (tree, target, what, err);
    }
  /* Not prepared (a caller that skipped rootfs_prepare): the container's
   * own /dev/null, if it really is one. */
  devnull = path_open_in_root (root, "/dev/null", PATH_NO_CREATE, err);
  if (devnull < 0)
    return casing_error_prefix (err, "maskedPaths");
  if (check_null_device (devnull, "/dev/null", err) < 0)
    return -1;
  return mount_bind_fd (devnull, target, false, 0, what, err);
}

/* An empty read-only tmpfs, made with the new mount API so it does not
 * need /proc to be mounted. */
static int
mask_directory (int target, const char *what, casing_error_t *err)
{
  cleanup_close int fsfd = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  cleanup_close int mnt = -1;

  if (fsfd < 0)
    return casing_error_errno (err, "%s: fsopen tmpfs", what);
  if (fsconfig (fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0
      || fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return casing_error_errno (err, "%s: create a tmpfs", what);
  mnt = fsmount (fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                            | MOUNT_ATTR_NOEXEC);
  if (mnt < 0)
    return casing_error_errno (err, "%s: fsmount", what);
  return mount_attach (mnt, target, what, err);
}

static int
mask_one (struct rootfs_context *ctx, int root, size_t i, casing_error_t *err)
{
  const char *path = ctx->config->linux_->masked_paths[i];
  cleanup_close int target = -1;
  struct stat st;
  char what[64];
  int r;

  snprintf (what, sizeof what, "linux.maskedPaths[%zu]", i);
  r = open_target (root, path, what, &target, err);
  if (r <= 0)
    return r;
  if (fstat (target, &st) < 0)
    return casing_error_errno (err, "%s: stat `%s`", what, path);
  if (S_ISDIR (st.st_mode))
    return mask_directory (target, what, err);
  return mask_file (ctx, root, i, target, what, err);
}

int
masked_paths_apply (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_linux *l = ctx->config->linux_;
  cleanup_close int root = -1;
  int ret = 0;

  if (l == NULL || l->masked_paths_len == 0)
    return 0;
  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return casing_error_errno (err, "open `/`");
  for (size_t i = 0; i < l->masked_paths_len && ret == 0; i++)
    ret = mask_one (ctx, root, i, err);
  null_trees_release (ctx);
  return ret;
}

int
readonly_paths_apply (const oci_config *config, casing_error_t *err)
{
  const oci_linux *l = config->linux_;
  cleanup_close int root = -1;

  if (l == NULL || l->readonly_paths_len == 0)
    return 0;
  root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return casing_error_errno (err, "open `/`");
  for (size_t i = 0; i < l->readonly_paths_len; i++)
    {
      cleanup_close int target = -1;
      char what[64];
      int r;

      snprintf (what, sizeof what, "linux.readonlyPaths[%zu]", i);
      r = open_target (root, l->readonly_paths[i], what, &target, err);
      if (r < 0)
        return -1;
      if (r == 0)
        continue;
      /* Bind it on itself read-only, everything below it included. */
      if (mount_bind_fd (target, target, true, MOUNT_ATTR_RDONLY, what, err) < 0)
        return -1;
    }
  return 0;
}
