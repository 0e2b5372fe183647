/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tmpcopyup: a tmpfs mounted over a directory of the image starts with a
 * copy of what the image had there (owners, modes, symlinks, devices). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/utils.h"

#define MAX_COPY_DEPTH 64

static int copy_tree (int src, int dst, int depth, casing_error_t *err);

/* Owner and mode of a copy, set through its fd: by name, a symlink put in
 * its place in the meantime would be followed (we are still in the host's
 * root).  `fd` may be O_PATH (devices, FIFOs, sockets). */
static int
set_owner_mode (int fd, const char *name, const struct stat *st, casing_error_t *err)
{
  if (fchownat (fd, "", st->st_uid, st->st_gid, AT_EMPTY_PATH) < 0)
    return casing_error_errno (err, "chown `%s`", name);
  if (fd_chmod (fd, st->st_mode & 07777) < 0)
    return casing_error_errno (err, "chmod `%s`", name);
  return 0;
}

static int
copy_file (int src, int dst, const char *name, const struct stat *st, casing_error_t *err)
{
  cleanup_close int node = openat (src, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int in = -1, out = -1;
  off_t left = st->st_size;
  struct stat now;

  /* The source may be in a volume another container shares: never open
   * (for reading) a FIFO or a device swapped in for the regular file. */
  if (node < 0 || fstat (node, &now) < 0)
    return casing_error_errno (err, "open `%s`", name);
  if (! S_ISREG (now.st_mode))
    return casing_error_set (err, EEXIST, "`%s` was replaced while being copied", name);
  in = fd_reopen (node, O_RDONLY);
  if (in < 0)
    return casing_error_errno (err, "open `%s`", name);
  out = openat (dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return casing_error_errno (err, "create `%s`", name);
  while (left > 0)
    {
      ssize_t n = sendfile (out, in, NULL, left > (1 << 30) ? (1 << 30) : left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return casing_error_errno (err, "copy `%s`", name);
      if (n == 0)
        break;
      left -= n;
    }
  return set_owner_mode (out, name, st, err);
}

/* A node that is not a file, directory or symlink (device, FIFO, socket). */
static int
copy_node (int dst, const char *name, const struct stat *st, casing_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat now;

  if (mknodat (dst, name, st->st_mode, st->st_rdev) < 0)
    return casing_error_errno (err, "mknod `%s`", name);
  fd = openat (dst, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &now) < 0)
    return casing_error_errno (err, "open `%s`", name);
  if ((now.st_mode & S_IFMT) != (st->st_mode & S_IFMT) || now.st_rdev != st->st_rdev)
    return casing_error_set (err, EEXIST, "`%s` was replaced while being copied", name);
  return set_owner_mode (fd, name, st, err);
}

static int
copy_dir (int src, int dst, const char *name, const struct stat *st, int depth, casing_error_t *err)
{
  cleanup_close int s = -1, d = -1;

  if (mkdirat (dst, name, st->st_mode & 07777) < 0 && errno != EEXIST)
    return casing_error_errno (err, "mkdir `%s`", name);
  s = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  d = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s < 0 || d < 0)
    return casing_error_errno (err, "open `%s`", name);
  if (copy_tree (s, d, depth + 1, err) < 0)
    return casing_error_prefix (err, "%s", name);
  return set_owner_mode (d, name, st, err);
}

static int
copy_entry (int src, int dst, const char *name, int depth, casing_error_t *err)
{
  struct stat st;
  char target[PATH_MAX];
  ssize_t n;

  if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return casing_error_errno (err, "stat `%s`", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      return copy_dir (src, dst, name, &st, depth, err);
    case S_IFREG:
      return copy_file (src, dst, name, &st, err);
    case S_IFLNK:
      n = readlinkat (src, name, target, sizeof target - 1);
      if (n < 0)
        return casing_error_errno (err, "readlink `%s`", name);
      target[n] = '\0';
      if (symlinkat (target, dst, name) < 0)
        return casing_error_errno (err, "symlink `%s`", name);
      /* A symlink's own owner; its mode means nothing. */
      if (fchownat (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return casing_error_errno (err, "chown `%s`", name);
      return 0;
    default:
      return copy_node (dst, name, &st, err);
    }
}

static int
copy_tree (int src, int dst, int depth, casing_error_t *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int fd;

  if (depth > MAX_COPY_DEPTH)
    return casing_error_set (err, ELOOP, "directory tree too deep");
  fd = fcntl (src, F_DUPFD_CLOEXEC, 3);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return casing_error_errno (err, "read directory");
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (copy_entry (src, dst, de->d_name, depth, err) < 0)
        return -1;
    }
  if (errno)
    return casing_error_errno (err, "read directory");
  return 0;
}

int
tmpcopyup_copy (int src_dirfd, int dst_dirfd, unsigned int keep, casing_error_t *err)
{
  struct stat st;
  if (copy_tree (src_dirfd, dst_dirfd, 0, err) < 0)
    return -1;
  /* The mount point itself keeps the image directory's owner and mode,
   * except what the mount options (mode=, uid=, gid=) set. */
  if (keep != 0 && fstat (src_dirfd, &st) == 0)
    {
      uid_t uid = (keep & TMPCOPYUP_KEEP_UID) ? st.st_uid : (uid_t) -1;
      gid_t gid = (keep & TMPCOPYUP_KEEP_GID) ? st.st_gid : (gid_t) -1;
      if ((uid != (uid_t) -1 || gid != (gid_t) -1) && fchown (dst_dirfd, uid, gid) < 0)
        return casing_error_errno (err, "set the owner of the tmpfs root");
      if ((keep & TMPCOPYUP_KEEP_MODE) && fchmod (dst_dirfd, st.st_mode & 07777) < 0)
        return casing_error_errno (err, "set the mode of the tmpfs root");
    }
  return 0;
}
