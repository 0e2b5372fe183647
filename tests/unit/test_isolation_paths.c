/* SPDX-License-Identifier: GPL-2.0-or-later */
/* In-root path resolution on a scratch directory (no privileges needed),
 * with openat2 and with the forced fallback walk: symlinks (relative,
 * absolute, climbing with "..", dangling) never leave the root, and
 * creation behind a dangling symlink happens inside it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation/isolation_internal.h"
#include "unit_test.h"
#include "core/utils.h"

static char root[PATH_MAX];
static char outside[PATH_MAX];

static void
sh (const char *fmt, const char *a)
{
  char cmd[4096];
  snprintf (cmd, sizeof cmd, fmt, a, a, a, a, a, a, a, a);
  if (system (cmd) != 0)
    {
      fprintf (stderr, "failed: %s\n", cmd);
      exit (99);
    }
}

/* The path of what `fd` refers to, relative to the scratch root ("" when it
 * is the root itself, "!..." when it escaped). */
static char *
where (int fd)
{
  char link[64], buf[PATH_MAX];
  ssize_t n;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, buf, sizeof buf - 1);
  if (n < 0)
    return xstrdup ("?");
  buf[n] = '\0';
  if (strncmp (buf, root, strlen (root)) != 0)
    {
      char *out;
      xasprintf (&out, "!%s", buf);
      return out;
    }
  return xstrdup (buf + strlen (root));
}

static void
expect (int rootfd, const char *path, enum path_create create, const char *want)
{
  casing_error_t err = NULL;
  int fd = path_open_in_root (rootfd, path, create, &err);
  char *got = fd >= 0 ? where (fd) : xstrdup (err && err->status == ENOENT ? "ENOENT" : "ERROR");
  CHECK_STR (got, want);
  if (strcmp (got, want) != 0)
    fprintf (stderr, "  path `%s` (%s)\n", path, path_resolve_uses_openat2 () ? "openat2" : "fallback");
  free (got);
  if (fd >= 0)
    close (fd);
  casing_error_release (&err);
}

static void
run_cases (int rootfd, const char *tag)
{
  char name[64];

  expect (rootfd, "/", PATH_NO_CREATE, "");
  expect (rootfd, "/etc/passwd", PATH_NO_CREATE, "/etc/passwd");
  expect (rootfd, "/etc/../etc/./passwd", PATH_NO_CREATE, "/etc/passwd");
  expect (rootfd, "/up/up/up/etc/passwd", PATH_NO_CREATE, "/etc/passwd");
  expect (rootfd, "/abs/passwd", PATH_NO_CREATE, "/etc/passwd");
  expect (rootfd, "/climb/passwd", PATH_NO_CREATE, "/etc/passwd");
  expect (rootfd, "/link-to-file", PATH_NO_CREATE, "/etc/passwd");
  expect (rootfd, "/missing/x", PATH_NO_CREATE, "ENOENT");
  expect (rootfd, "/loop/x", PATH_NO_CREATE, "ERROR");
  /* Creation: plain, then through dangling symlinks (relative climbing
   * out, absolute): created inside the root, never in `outside`. */
  snprintf (name, sizeof name, "/new-%s/a/b", tag);
  {
    char want[PATH_MAX + 80];
    snprintf (want, sizeof want, "/new-%s/a/b", tag);
    expect (rootfd, name, PATH_CREATE_DIR, want);
  }
  snprintf (name, sizeof name, "/dangling-%s/sub", tag);
  {
    char want[PATH_MAX + 80];
    snprintf (want, sizeof want, "/tmp/target-%s/sub", tag);
    expect (rootfd, name, PATH_CREATE_DIR, want);
  }
  snprintf (name, sizeof name, "/dangling-abs-%s", tag);
  {
    char want[PATH_MAX + 80];
    snprintf (want, sizeof want, "/tmp/abs-%s", tag);
    expect (rootfd, name, PATH_CREATE_FILE, want);
    snprintf (want, sizeof want, "%s/tmp/abs-%s", root, tag);
    {
      struct stat st;
      CHECK (stat (want, &st) == 0 && S_ISREG (st.st_mode));
    }
  }
}

int
main (void)
{
  int rootfd;
  char cmd[2 * PATH_MAX + 16];

  snprintf (root, sizeof root, "/tmp/casing-paths-XXXXXX");
  snprintf (outside, sizeof outside, "/tmp/casing-paths-out-XXXXXX");
  if (mkdtemp (root) == NULL || mkdtemp (outside) == NULL)
    return 99;
  sh ("mkdir -p %s/etc %s/tmp %s/sub && echo root:x:0:0 > %s/etc/passwd", root);
  sh ("ln -s ../.. %s/up && ln -s /etc %s/abs && ln -s ../../../../../../../etc %s/climb", root);
  sh ("ln -s /etc/passwd %s/link-to-file && ln -s loop %s/loop", root);
  sh ("cd %s && for t in openat2 fallback; do ln -s ../../../../../../tmp/target-$t dangling-$t; "
      "ln -s /tmp/abs-$t dangling-abs-$t; done", root);
  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);

  path_resolve_force_fallback (false);
  UNIT_RUN (run_cases (rootfd, "openat2"));
  path_resolve_force_fallback (true);
  CHECK (! path_resolve_uses_openat2 ());
  UNIT_RUN (run_cases (rootfd, "fallback"));

  /* Nothing was created outside the scratch root. */
  CHECK (access ("/tmp/target-openat2", F_OK) < 0 && access ("/tmp/target-fallback", F_OK) < 0);
  CHECK (access ("/tmp/abs-openat2", F_OK) < 0 && access ("/tmp/abs-fallback", F_OK) < 0);
  close (rootfd);
  snprintf (cmd, sizeof cmd, "rm -rf %s %s", root, outside);
  if (system (cmd) != 0)
    return 99;
  return unit_done ("test_isolation_paths");
}
