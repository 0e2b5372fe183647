/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "utils.h"

void *
xmalloc0 (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    abort ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  if (p == NULL)
    abort ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *r;
  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    abort ();
  return r;
}

int
xasprintf (char **out, const char *fmt, ...)
{
  va_list ap;
  int r;
  va_start (ap, fmt);
  r = vasprintf (out, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  return r;
}

int
read_all_fd (int fd, const char *description, char **out, size_t *len, casing_error_t *err)
{
  size_t cap = 4096, used = 0;
  char *buf = xmalloc0 (cap);

  for (;;)
    {
      ssize_t r;
      if (used + 1 >= cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap);
        }
      r = read (fd, buf + used, cap - used - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          free (buf);
          return casing_error_set (err, saved, "read `%s`", description);
        }
      if (r == 0)
        break;
      used += r;
    }
  buf[used] = '\0';
  *out = buf;
  if (len)
    *len = used;
  return 0;
}

int
read_file_at (int dirfd, const char *path, char **out, size_t *len, casing_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s`", path);
  return read_all_fd (fd, path, out, len, err);
}

int
read_all_file (const char *path, char **out, size_t *len, casing_error_t *err)
{
  return read_file_at (AT_FDCWD, path, out, len, err);
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t r = write (fd, p, len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      p += r;
      len -= r;
    }
  return 0;
}

int
write_file_at (int dirfd, const char *path, const char *data, size_t len, casing_error_t *err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s`", path);
  if (write_all (fd, data, len) < 0)
    return casing_error_errno (err, "write `%s`", path);
  return 0;
}

int
open_parent_dir (const char *path, const char **name, casing_error_t *err)
{
  const char *slash = strrchr (path, '/');
  cleanup_free char *dir = NULL;
  int fd;

  *name = slash ? slash + 1 : path;
  if (**name == '\0' || strcmp (*name, ".") == 0 || strcmp (*name, "..") == 0)
    return casing_error_set (err, 0, "`%s` does not name a file", path);
  if (slash == NULL)
    dir = xstrdup (".");
  else if (slash == path)
    dir = xstrdup ("/");
  else
    dir = strndup (path, (size_t) (slash - path));
  if (dir == NULL)
    abort ();
  fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open the directory of `%s`", path);
  return fd;
}

/* A new file with an unguessable name next to `name`: O_EXCL|O_NOFOLLOW
 * never follow anything planted there, and a name nobody can predict
 * cannot be taken in advance to make us fail. */
static int
create_temp_at (int dirfd, const char *name, mode_t mode, char **tmp_name, casing_error_t *err)
{
  for (int attempt = 0; attempt < 16; attempt++)
    {
      uint64_t r;
      int fd;

      if (getrandom (&r, sizeof r, 0) != (ssize_t) sizeof r)
        return casing_error_errno (err, "getrandom");
      free (*tmp_name);
      xasprintf (tmp_name, ".%.200s.tmp-%016" PRIx64, name, r); /* within NAME_MAX */
      fd = openat (dirfd, *tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      if (fd >= 0)
        return fd;
      if (errno != EEXIST)
        return casing_error_errno (err, "create `%s`", *tmp_name);
    }
  return casing_error_set (err, EEXIST, "create a temporary file for `%s`", name);
}

int
write_file_atomic_at (int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                      casing_error_t *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = create_temp_at (dirfd, name, mode, &tmp, err);
  int saved;

  if (fd < 0)
    return -1;
  if (write_all (fd, data, len) < 0)
    {
      saved = errno;
      unlinkat (dirfd, tmp, 0);
      return casing_error_set (err, saved, "write `%s`", tmp);
    }
  /* rename(2) replaces whatever `name` is (a symlink too) without following it. */
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      saved = errno;
      unlinkat (dirfd, tmp, 0);
      return casing_error_set (err, saved, "rename `%s` to `%s`", tmp, name);
    }
  return 0;
}

int
write_file_atomic (const char *path, const char *data, size_t len, mode_t mode, casing_error_t *err)
{
  const char *name;
  cleanup_close int dirfd = open_parent_dir (path, &name, err);

  if (dirfd < 0)
    return -1;
  if (write_file_atomic_at (dirfd, name, data, len, mode, err) < 0)
    return casing_error_prefix (err, "`%s`", path);
  return 0;
}

/* --pid-file: replaced atomically, a reader never sees a partial number. */
int
write_pid_file (const char *path, pid_t pid, casing_error_t *err)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", (int) pid);

  if (write_file_atomic (path, buf, (size_t) n, 0644, err) < 0)
    return casing_error_prefix (err, "pid file");
  return 0;
}

/* An existing file is looked at through an O_PATH fd before it is opened
 * for real: opening a FIFO for writing blocks, opening a device acts on
 * it.  Only then is the same inode reopened through /proc/self/fd. */
static int
open_existing_for_append (int dirfd, const char *name, const char *path, casing_error_t *err)
{
  cleanup_close int pathfd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  char proc[64];
  struct stat st;
  int fd;

  if (pathfd < 0)
    return casing_error_errno (err, "open `%s`", path);
  if (fstat (pathfd, &st) < 0)
    return casing_error_errno (err, "stat `%s`", path);
  if (S_ISLNK (st.st_mode))
    return casing_error_set (err, 0, "`%s` is a symbolic link: refused", path);
  if (!S_ISREG (st.st_mode))
    return casing_error_set (err, 0, "`%s` is not a regular file: refused", path);
  /* Another name for someone else's file (fs.protected_hardlinks=0). */
  if (st.st_nlink > 1)
    return casing_error_set (err, 0, "`%s` has %ju hard links: refused", path,
                             (uintmax_t) st.st_nlink);
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", pathfd);
  fd = open (proc, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s`", path);
  return fd;
}

int
open_append_regular (const char *path, mode_t mode, casing_error_t *err)
{
  const char *name;
  cleanup_close int dirfd = open_parent_dir (path, &name, err);
  int fd;

  if (dirfd < 0)
    return -1;
  fd = openat (dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd >= 0)
    return fd;
  if (errno != EEXIST)
    return casing_error_errno (err, "create `%s`", path);
  return open_existing_for_append (dirfd, name, path, err);
}

int
socket_peer_uid (int sock, uid_t *uid, casing_error_t *err)
{
  struct ucred cred;
  socklen_t len = sizeof cred;

  if (getsockopt (sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
    return casing_error_errno (err, "read the credentials of a socket peer");
  *uid = cred.uid;
  return 0;
}

int
mkdir_p (const char *path, mode_t mode, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);

  for (char *p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return casing_error_errno (err, "mkdir `%s`", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return casing_error_errno (err, "mkdir `%s`", copy);
  return 0;
}

static int remove_tree_below (int dfd, dev_t dev, const char *name, casing_error_t *err);

/* Remove the entries of an open directory; never crosses into another
 * filesystem (a mount left behind), which is an error instead. */
static int
remove_dir_contents (int dfd, dev_t dev, const char *name, casing_error_t *err)
{
  DIR *d = fdopendir (dfd);
  struct dirent *de;

  if (d == NULL)
    {
      close (dfd);
      return casing_error_errno (err, "opendir `%s`", name);
    }
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (remove_tree_below (dirfd (d), dev, de->d_name, err) < 0)
        {
          closedir (d);
          return -1;
        }
    }
  closedir (d);
  return 0;
}

static int
remove_tree_below (int dirfd, dev_t dev, const char *name, casing_error_t *err)
{
  struct stat st;
  int dfd;

  if (unlinkat (dirfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return casing_error_errno (err, "unlink `%s`", name);
  dfd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOENT ? 0 : casing_error_errno (err, "open `%s`", name);
  if (fstat (dfd, &st) < 0)
    {
      close (dfd);
      return casing_error_errno (err, "stat `%s`", name);
    }
  if (dev != 0 && st.st_dev != dev)
    {
      close (dfd);
      return casing_error_set (err, EBUSY, "remove `%s`: is a mount point", name);
    }
  if (remove_dir_contents (dfd, st.st_dev, name, err) < 0)
    return -1;
  if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return casing_error_errno (err, "rmdir `%s`", name);
  return 0;
}

int
remove_tree_at (int dirfd, const char *name, casing_error_t *err)
{
  return remove_tree_below (dirfd, 0, name, err);
}

int
parse_int64 (const char *s, int64_t *out)
{
  char *end;
  long long v;

  errno = 0;
  if (s == NULL || *s == '\0')
    return errno = EINVAL, -1;
  v = strtoll (s, &end, 10);
  if (errno)
    return -1;
  if (*end != '\0')
    return errno = EINVAL, -1;
  *out = v;
  return 0;
}

int
parse_uint64 (const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  errno = 0;
  if (s == NULL || *s == '\0' || *s == '-')
    return errno = EINVAL, -1;
  v = strtoull (s, &end, 10);
  if (errno)
    return -1;
  if (*end != '\0')
    return errno = EINVAL, -1;
  *out = v;
  return 0;
}

int
process_stat (pid_t pid, char *state, uint64_t *start_time, casing_error_t *err)
{
  char path[64];
  cleanup_free char *buf = NULL;
  char *p;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_all_file (path, &buf, NULL, err) < 0)
    return -1;
  /* comm (field 2) may hold spaces and parentheses: start after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return casing_error_set (err, EINVAL, "parse `%s`", path);
  if (state)
    *state = p[2];
  p++;
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p + 1, ' ');
      if (p == NULL)
        return casing_error_set (err, EINVAL, "parse `%s`", path);
    }
  *start_time = strtoull (p + 1, NULL, 10);
  return 0;
}

int
process_start_time (pid_t pid, uint64_t *out, casing_error_t *err)
{
  return process_stat (pid, NULL, out, err);
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int
mark_fds_cloexec_from (int from, casing_error_t *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (syscall (SYS_close_range, (unsigned) from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  d = opendir ("/proc/self/fd");
  if (d == NULL)
    return casing_error_errno (err, "open `/proc/self/fd`");
  while ((de = readdir (d)) != NULL)
    {
      int64_t fd;
      if (parse_int64 (de->d_name, &fd) < 0 || fd < from || fd == dirfd (d))
        continue;
      if (fcntl ((int) fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
        return casing_error_errno (err, "set close-on-exec on fd %d", (int) fd);
    }
  return 0;
}

char *
time_rfc3339_now (void)
{
  struct timespec ts;
  struct tm tm;
  char date[64];
  char *out;

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  xasprintf (&out, "%s.%09ldZ", date, ts.tv_nsec);
  return out;
}
