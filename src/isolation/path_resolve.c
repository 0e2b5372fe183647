/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths inside the container's root, resolved as if the rootfs were "/":
 * a symlink in the image (absolute, or climbing with "..") can never make
 * us open, create or mount something on the host.  openat2(RESOLVE_IN_ROOT)
 * does it in the kernel; the fallback walks one component at a time with
 * O_NOFOLLOW, resolving symlinks itself and clamping ".." at the root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/syscalls.h"
#include "core/utils.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define MAX_SYMLINKS 40
#define MAX_DEPTH 256

static int force_fallback = -1; /* -1: not decided yet */

void
path_resolve_force_fallback (bool force)
{
  force_fallback = force;
}

bool
path_resolve_uses_openat2 (void)
{
  if (force_fallback < 0)
    force_fallback = sys_openat2_disabled ();
  return ! force_fallback;
}

char *
path_normalize (const char *path)
{
  size_t len = strlen (path);
  char *out = xmalloc0 (len + 2);
  size_t o = 0;
  const char *p = path;

  while (*p)
    {
      const char *end;
      size_t n;
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      end = strchrnul (p, '/');
      n = end - p;
      if (n == 1 && p[0] == '.')
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          while (o > 0 && out[o - 1] != '/')
            o--;
          if (o > 0)
            o--;
        }
      else
        {
          out[o++] = '/';
          memcpy (out + o, p, n);
          o += n;
        }
      p = end;
    }
  if (o == 0)
    out[o++] = '/';
  out[o] = '\0';
  return out;
}

bool
path_is_root (const char *normalized)
{
  return strcmp (normalized, "/") == 0;
}

struct walk
{
  int fds[MAX_DEPTH];
  size_t depth; /* fds[0..depth] are open; fds[0] is the root */
  int links;
};

static void
walk_release (struct walk *w)
{
  for (size_t i = 0; i <= w->depth; i++)
    if (w->fds[i] >= 0)
      close (w->fds[i]);
}

/* Create the missing component `name` in `dirfd` (a directory, or for the
 * last component a file when asked), then open it O_PATH. */
static int
walk_create (int dirfd, const char *name, bool file, casing_error_t *err)
{
  if (file)
    {
      int fd = openat (dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0 && errno != EEXIST)
        return casing_error_errno (err, "create `%s`", name);
      if (fd >= 0)
        close (fd);
    }
  else if (mkdirat (dirfd, name, 0755) < 0 && errno != EEXIST)
    return casing_error_errno (err, "mkdir `%s`", name);
  return 0;
}

/* Replace the walk's remaining path with "<target>/<rest>". */
static int
walk_follow_symlink (struct walk *w, int linkfd, char **rest, const char *name, casing_error_t *err)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (linkfd, "", target, sizeof target - 1);
  char *next;

  if (n < 0)
    return casing_error_errno (err, "readlink `%s`", name);
  target[n] = '\0';
  if (++w->links > MAX_SYMLINKS)
    return casing_error_set (err, ELOOP, "resolve `%s`", name);
  if (target[0] == '/')
    while (w->depth > 0)
      close (w->fds[w->depth--]);
  xasprintf (&next, "%s/%s", target, *rest);
  free (*rest);
  *rest = next;
  return 0;
}

/* One component: returns 1 when the walk moved on, 0 when it was a symlink
 * (rest rewritten), -1 on error. */
static int
walk_step (struct walk *w, const char *name, char **rest, bool last, enum path_create create,
           casing_error_t *err)
{
  int cur = w->fds[w->depth];
  struct stat st;
  int fd = openat (cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0 && errno == ENOENT && create != PATH_NO_CREATE)
    {
      if (walk_create (cur, name, last && create == PATH_CREATE_FILE, err) < 0)
        return -1;
      fd = openat (cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    return casing_error_errno (err, "open `%s`", name);
  if (fstat (fd, &st) < 0)
    {
      close (fd);
      return casing_error_errno (err, "stat `%s`", name);
    }
  if (S_ISLNK (st.st_mode))
    {
      int r = walk_follow_symlink (w, fd, rest, name, err);
      close (fd);
      return r < 0 ? -1 : 0;
    }
  if (! last && ! S_ISDIR (st.st_mode))
    {
      close (fd);
      return casing_error_set (err, ENOTDIR, "open `%s`", name);
    }
  if (w->depth + 1 >= MAX_DEPTH)
    {
      close (fd);
      return casing_error_set (err, ENAMETOOLONG, "open `%s`", name);
    }
  w->fds[++w->depth] = fd;
  return 1;
}

static int
walk_path (int root_fd, const char *path, enum path_create create, casing_error_t *err)
{
  struct walk w = { .depth = 0, .links = 0 };
  cleanup_free char *rest = xstrdup (path);
  int ret;

  w.fds[0] = openat (root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (w.fds[0] < 0)
    return casing_error_errno (err, "open the root directory");
  for (;;)
    {
      char *p = rest, *end;
      cleanup_free char *name = NULL;
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      end = strchrnul (p, '/');
      name = strndup (p, end - p);
      memmove (rest, end, strlen (end) + 1);
      if (strcmp (name, ".") == 0)
        continue;
      if (strcmp (name, "..") == 0)
        {
          if (w.depth > 0)
            close (w.fds[w.depth--]);
          continue;
        }
      ret = walk_step (&w, name, &rest, strspn (rest, "/") == strlen (rest), create, err);
      if (ret < 0)
        {
          walk_release (&w);
          return -1;
        }
    }
  ret = w.fds[w.depth];
  w.fds[w.depth] = -1;
  walk_release (&w);
  return ret;
}

int
path_open_in_root (int root_fd, const char *path, enum path_create create, casing_error_t *err)
{
  cleanup_free char *norm = path_normalize (path);
  int fd;

  if (path_resolve_uses_openat2 ())
    {
      fd = sys_openat2 (root_fd, norm + 1, O_PATH | O_CLOEXEC,
                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      if (path_is_root (norm) && fd < 0)
        fd = openat (root_fd, ".", O_PATH | O_CLOEXEC);
      if (fd >= 0)
        return fd;
      /* Missing components are created by the walk; ENOSYS/EPERM (old
       * kernel, seccomp) fall back to it as well. */
      if (errno == ENOENT && create == PATH_NO_CREATE)
        return casing_error_errno (err, "open `%s`", norm);
      if (errno != ENOENT && errno != ENOSYS && errno != EPERM && errno != E2BIG)
        return casing_error_errno (err, "open `%s`", norm);
    }
  fd = walk_path (root_fd, norm, create, err);
  if (fd < 0)
    return casing_error_prefix (err, "resolve `%s` in the container root", norm);
  return fd;
}

int
fd_chmod (int fd, mode_t mode)
{
  char path[64];

  /* fchmod() refuses O_PATH fds; fchmodat2 (Linux 6.6) takes
   * AT_EMPTY_PATH; before it, the fd's magic link names the same inode. */
  if (syscall (SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL)
    return -1;
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  return chmod (path, mode);
}

int
fd_reopen (int fd, int flags)
{
  char path[64];

  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  return open (path, flags | O_CLOEXEC);
}

int
rootfs_stat_path (const char *rootfs, const char *path, struct stat *st)
{
  cleanup_close int root = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int fd = -1;
  cleanup_free char *norm = path_normalize (path);
  cleanup_casing_error casing_error_t err = NULL;

  if (root < 0)
    return -1;
  fd = path_open_in_root (root, norm, PATH_NO_CREATE, &err);
  if (fd < 0)
    return err && (err->status == ENOENT || err->status == ENOTDIR) ? 0 : -1;
  return fstat (fd, st) == 0 ? 1 : -1;
}
