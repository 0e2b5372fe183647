/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev: the default devices every container gets (config-linux.md
 * "Default Devices"), its usual symlinks, and linux.devices.  In a user
 * namespace mknod is not allowed: the host's node is bind-mounted instead. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/log.h"
#include "core/utils.h"

struct device_node
{
  const char *path;    /* in the container */
  mode_t type;         /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned int major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  bool is_default;     /* a default device already present is left alone */
};

static const struct device_node default_devices[] = {
  { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0, true },
  { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0, true },
  { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0, true },
  { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0, true },
  { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0, true },
  { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0, true },
};

static const struct
{
  const char *name, *target;
} default_symlinks[] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
  { "ptmx", "pts/ptmx" },
};

/* The file now at dirfd/name, opened without following a symlink and
 * checked to be the device `d` asks for.  Everything after the check goes
 * through this fd: /dev may be a volume another container shares, and it
 * can swap the node for a symlink to a host file at any moment (the
 * runtime is still in the host's root here).  Returns 0 with *out set, 1
 * for a default device the image provides as something else (left alone),
 * -1 on error. */
static int
open_node_checked (int dirfd, const char *name, const struct device_node *d, int *out, casing_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return casing_error_errno (err, "open `%s`", d->path);
  if (fstat (fd, &st) < 0)
    return casing_error_errno (err, "stat `%s`", d->path);
  if ((st.st_mode & S_IFMT) == d->type
      && (d->type == S_IFIFO || st.st_rdev == makedev (d->major, d->minor)))
    {
      *out = steal_fd (&fd);
      return 0;
    }
  if (d->is_default)
    {
      log_debug ("`%s` exists and is not the default device: left as it is", d->path);
      return 1;
    }
  return casing_error_set (err, EEXIST, "`%s` exists and is not the requested device", d->path);
}

/* Bind the host's node (same path) over an empty file. */
static int
bind_host_device (int dirfd, const char *name, const struct device_node *d, casing_error_t *err)
{
  cleanup_close int src = open (d->path, O_PATH | O_CLOEXEC);
  cleanup_close int target = -1;
  struct stat st;

  if (src < 0)
    return casing_error_errno (err, "open the host's `%s`", d->path);
  if (fstat (src, &st) < 0 || (st.st_mode & S_IFMT) != d->type || st.st_rdev != makedev (d->major, d->minor))
    return casing_error_set (err, ENODEV, "the host's `%s` is not device %u:%u", d->path, d->major, d->minor);
  /* O_EXCL: never open (for writing!) a file already there, which could
   * be a FIFO that blocks us or a device another container planted. */
  target = openat (dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (target < 0 && errno == EEXIST)
    target = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return casing_error_errno (err, "create `%s`", d->path);
  if (fstat (target, &st) < 0)
    return casing_error_errno (err, "stat `%s`", d->path);
  if (S_ISLNK (st.st_mode) || S_ISDIR (st.st_mode))
    return casing_error_set (err, EEXIST, "`%s` exists and is a %s", d->path,
                             S_ISLNK (st.st_mode) ? "symlink" : "directory");
  return mount_bind_fd (src, target, false, 0, d->path, err);
}

static int
create_device (struct rootfs_context *ctx, const struct device_node *d, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (d->path), *dir = NULL;
  cleanup_close int dirfd = -1, node = -1;
  const char *name;
  int r;

  name = strrchr (copy, '/');
  name = name ? name + 1 : copy;
  dir = xstrdup (copy);
  dirname (dir);
  dirfd = path_open_in_root (ctx->rootfs_fd, dir, PATH_CREATE_DIR, err);
  if (dirfd < 0)
    return -1;
  if (ctx->has_userns && d->type != S_IFIFO)
    return bind_host_device (dirfd, name, d, err);
  if (mknodat (dirfd, name, d->type | (d->mode & 07777), makedev (d->major, d->minor)) < 0 && errno != EEXIST)
    return casing_error_errno (err, "mknod `%s`", d->path);
  r = open_node_checked (dirfd, name, d, &node, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  /* mknod is subject to the umask. */
  if (fd_chmod (node, d->mode & 07777) < 0)
    return casing_error_errno (err, "chmod `%s`", d->path);
  if (fchownat (node, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
    return casing_error_errno (err, "chown `%s`", d->path);
  return 0;
}

static int
create_symlinks (int devfd, casing_error_t *err)
{
  for (size_t i = 0; i < sizeof default_symlinks / sizeof default_symlinks[0]; i++)
    if (symlinkat (default_symlinks[i].target, devfd, default_symlinks[i].name) < 0 && errno != EEXIST)
      return casing_error_errno (err, "symlink `/dev/%s`", default_symlinks[i].name);
  /* /dev/core only where the kernel has a core image to offer. */
  if (access ("/proc/kcore", F_OK) == 0 && symlinkat ("/proc/kcore", devfd, "core") < 0 && errno != EEXIST)
    return casing_error_errno (err, "symlink `/dev/core`");
  return 0;
}

int
devices_setup_dev (struct rootfs_context *ctx, bool defaults, casing_error_t *err)
{
  cleanup_close int devfd = -1;

  if (! defaults)
    return 0;
  devfd = path_open_in_root (ctx->rootfs_fd, "/dev", PATH_CREATE_DIR, err);
  if (devfd < 0)
    return casing_error_prefix (err, "/dev");
  for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
    if (create_device (ctx, &default_devices[i], err) < 0)
      return -1;
  return create_symlinks (devfd, err);
}

static int
device_from_config (const oci_device *c, size_t i, struct device_node *d, casing_error_t *err)
{
  memset (d, 0, sizeof *d);
  if (c->path == NULL || c->path[0] != '/')
    return casing_error_set (err, EINVAL, "linux.devices[%zu].path: must be an absolute path", i);
  d->path = c->path;
  if (c->type && (strcmp (c->type, "c") == 0 || strcmp (c->type, "u") == 0))
    d->type = S_IFCHR;
  else if (c->type && strcmp (c->type, "b") == 0)
    d->type = S_IFBLK;
  else if (c->type && strcmp (c->type, "p") == 0)
    d->type = S_IFIFO;
  else
    return casing_error_set (err, EINVAL, "linux.devices[%zu].type: unknown type `%s`", i,
                             c->type ? c->type : "");
  if (d->type != S_IFIFO && (! c->has_major || ! c->has_minor))
    return casing_error_set (err, EINVAL, "linux.devices[%zu]: major and minor are required", i);
  if (d->type != S_IFIFO && (c->major < 0 || c->minor < 0 || c->major > 0xfff || c->minor > 0xfffff))
    return casing_error_set (err, EINVAL, "linux.devices[%zu]: invalid device number %lld:%lld", i,
                             (long long) c->major, (long long) c->minor);
  d->major = d->type == S_IFIFO ? 0 : (unsigned) c->major;
  d->minor = d->type == S_IFIFO ? 0 : (unsigned) c->minor;
  /* Engines give st_mode with the type bits (020600): the type comes
   * from `type`, the mode from the permission bits alone. */
  d->mode = c->has_file_mode ? (mode_t) (c->file_mode & 07777) : 0666;
  d->uid = c->has_uid ? c->uid : 0;
  d->gid = c->has_gid ? c->gid : 0;
  return 0;
}

/* /dev/ptmx is always the link to the container's own devpts instance
 * (pts/ptmx, made with the defaults): a node of the host's ptmx there would
 * open the host's pty instance.  runc skips it too; engines list it when
 * they pass every host device (`ctr run --privileged`). */
static bool
is_ptmx (const char *path)
{
  cleanup_free char *norm = path_normalize (path);
  return norm && strcmp (norm, "/dev/ptmx") == 0;
}

int
devices_create_config (struct rootfs_context *ctx, casing_error_t *err)
{
  const oci_linux *l = ctx->config->linux_;

  for (size_t i = 0; l && i < l->devices_len; i++)
    {
      struct device_node d;
      if (device_from_config (&l->devices[i], i, &d, err) < 0)
        return -1;
      if (is_ptmx (d.path))
        {
          log_debug ("linux.devices[%zu]: /dev/ptmx is the link to pts/ptmx: not created", i);
          continue;
        }
      if (create_device (ctx, &d, err) < 0)
        return casing_error_prefix (err, "linux.devices[%zu]", i);
    }
  return 0;
}
