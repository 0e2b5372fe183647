/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "unit_test.h"
#include "core/utils.h"

static void
test_errors (void)
{
  casing_error_t err = NULL;

  CHECK (casing_error_set (&err, ENOENT, "open `%s`", "/x") == -1);
  CHECK_STR (err->msg, "open `/x`: No such file or directory");
  CHECK (err->status == ENOENT);
  casing_error_prefix (&err, "mount `%s`", "/proc");
  CHECK_STR (err->msg, "mount `/proc`: open `/x`: No such file or directory");
  casing_error_release (&err);
  CHECK (err == NULL);
}

static void
test_numbers (void)
{
  int64_t i;
  uint64_t u;

  CHECK (parse_int64 ("-9223372036854775808", &i) == 0 && i == INT64_MIN);
  CHECK (parse_int64 ("9223372036854775808", &i) < 0 && errno == ERANGE);
  CHECK (parse_int64 ("12x", &i) < 0 && errno == EINVAL);
  CHECK (parse_int64 ("", &i) < 0);
  CHECK (parse_uint64 ("18446744073709551615", &u) == 0 && u == UINT64_MAX);
  CHECK (parse_uint64 ("18446744073709551616", &u) < 0);
  CHECK (parse_uint64 ("-1", &u) < 0);
}

static void
test_files (void)
{
  char dir[] = "/tmp/casing-unit-XXXXXX";
  cleanup_free char *path = NULL, *data = NULL, *deep = NULL;
  casing_error_t err = NULL;
  size_t len;

  CHECK (mkdtemp (dir) != NULL);
  xasprintf (&path, "%s/f", dir);
  CHECK (write_file_atomic (path, "hello", 5, 0600, &err) == 0);
  CHECK (read_all_file (path, &data, &len, &err) == 0);
  CHECK (len == 5);
  CHECK_STR (data, "hello");
  xasprintf (&deep, "%s/a/b/c", dir);
  CHECK (mkdir_p (deep, 0755, &err) == 0);
  /* As into a cgroup or procfs file: written in place, not truncated. */
  CHECK (write_file_at (AT_FDCWD, path, "x", 1, &err) == 0);
  free (steal_pointer (&data));
  CHECK (read_all_file (path, &data, &len, &err) == 0);
  CHECK_STR (data, "xello");
  CHECK (remove_tree_at (AT_FDCWD, dir, &err) == 0);
  CHECK (access (dir, F_OK) < 0 && errno == ENOENT);
  CHECK (read_all_file (path, &data, &len, &err) < 0);
  CHECK (err && strstr (err->msg, "No such file"));
  casing_error_release (&err);
}

/* Files made in a directory someone else may write: nothing planted there
 * (a symlink, a FIFO) is followed or opened. */
static void
test_safe_files (void)
{
  char dir[] = "/tmp/casing-unit-XXXXXX";
  cleanup_free char *victim = NULL, *lnk = NULL, *fifo = NULL, *log = NULL, *data = NULL;
  cleanup_close int dirfd = -1;
  casing_error_t err = NULL;
  const char *name = NULL;
  struct stat st;
  int fd;

  CHECK (mkdtemp (dir) != NULL);
  xasprintf (&victim, "%s/victim", dir);
  xasprintf (&lnk, "%s/link", dir);
  xasprintf (&fifo, "%s/fifo", dir);
  xasprintf (&log, "%s/log", dir);
  CHECK (write_file_atomic (victim, "keep", 4, 0600, &err) == 0);

  dirfd = open_parent_dir (lnk, &name, &err);
  CHECK (dirfd >= 0 && strcmp (name, "link") == 0);
  CHECK (open_parent_dir ("/tmp/", &name, &err) < 0);
  casing_error_release (&err);
  fd = open_parent_dir ("relative", &name, &err);
  CHECK (fd >= 0 && strcmp (name, "relative") == 0);
  if (fd >= 0)
    close (fd);

  /* A symlink at the name is replaced by the new file, its target kept. */
  CHECK (symlink (victim, lnk) == 0);
  CHECK (write_file_atomic_at (dirfd, "link", "123", 3, 0644, &err) == 0);
  CHECK (lstat (lnk, &st) == 0 && S_ISREG (st.st_mode));
  CHECK (read_all_file (victim, &data, NULL, &err) == 0 && strcmp (data, "keep") == 0);
  free (data);
  data = NULL;

  /* Appending: a new file is created, an existing regular file appended;
   * a symlink, a FIFO or a file with another link is refused. */
  fd = open_append_regular (log, 0600, &err);
  CHECK (fd >= 0 && write_all (fd, "a", 1) == 0);
  if (fd >= 0)
    close (fd);
  fd = open_append_regular (log, 0600, &err);
  CHECK (fd >= 0 && write_all (fd, "b", 1) == 0);
  if (fd >= 0)
    close (fd);
  CHECK (read_all_file (log, &data, NULL, &err) == 0 && strcmp (data, "ab") == 0);
  CHECK (unlink (lnk) == 0 && symlink (victim, lnk) == 0);
  CHECK (open_append_regular (lnk, 0600, &err) < 0 && strstr (err->msg, "symbolic link"));
  casing_error_release (&err);
  CHECK (mkfifo (fifo, 0600) == 0);
  CHECK (open_append_regular (fifo, 0600, &err) < 0 && strstr (err->msg, "not a regular file"));
  casing_error_release (&err);
  CHECK (unlink (lnk) == 0 && link (victim, lnk) == 0);
  CHECK (open_append_regular (lnk, 0600, &err) < 0 && strstr (err->msg, "hard links"));
  casing_error_release (&err);
  CHECK (remove_tree_at (AT_FDCWD, dir, &err) == 0);
}

static void
test_misc (void)
{
  cleanup_free char *now = time_rfc3339_now ();
  uint64_t start = 0;
  casing_error_t err = NULL;

  CHECK (strlen (now) == 30 && now[29] == 'Z' && now[10] == 'T');
  CHECK (process_start_time (getpid (), &start, &err) == 0 && start > 0);
  CHECK (process_start_time (-5, &start, &err) < 0);
  casing_error_release (&err);
}

int
main (void)
{
  UNIT_RUN (test_errors ());
  UNIT_RUN (test_numbers ());
  UNIT_RUN (test_files ());
  UNIT_RUN (test_safe_files ());
  UNIT_RUN (test_misc ());
  return unit_done ("test_utils");
}
