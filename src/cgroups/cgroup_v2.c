/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 specifics: delegating controllers down the path, and waiting on
 * cgroup.events. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "core/log.h"
#include "core/utils.h"

static bool
word_in (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *p = list; (p = strstr (p, word)); p += n)
    if ((p == list || p[-1] == ' ' || p[-1] == '\n') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
      return true;
  return false;
}

/* Enable in `dirfd`'s cgroup.subtree_control every controller it has, so the
 * child we are about to create gets them.  Some may refuse (a threaded
 * subtree, a controller busy with processes in that cgroup): those are left
 * off, and writing one of their files later reports it by name. */
int
cgroup_v2_enable_controllers_at (int dirfd, const struct cgroup_hierarchy *h, casing_error_t *err)
{
  cleanup_free char *avail = NULL;
  cleanup_free char *enabled = NULL;
  cleanup_free char *all = NULL;
  char *save = NULL;

  (void) h;
  if (read_file_at (dirfd, "cgroup.controllers", &avail, NULL, err) < 0
      || read_file_at (dirfd, "cgroup.subtree_control", &enabled, NULL, err) < 0)
    return -1;
  for (char *c = strtok_r (avail, " \n", &save); c; c = strtok_r (NULL, " \n", &save))
    {
      if (word_in (enabled, c))
        continue;
      char *n = NULL;
      xasprintf (&n, "%s%s+%s", all ? all : "", all ? " " : "", c);
      free (all);
      all = n;
    }
  if (all == NULL)
    return 0;
  cleanup_close int fd = openat (dirfd, "cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `cgroup.subtree_control`");
  if (write (fd, all, strlen (all)) >= 0)
    return 0;
  save = NULL;
  for (char *c = strtok_r (all, " ", &save); c; c = strtok_r (NULL, " ", &save))
    if (write (fd, c, strlen (c)) < 0)
      log_debug ("cgroup: cannot enable controller %s: %s", c + 1, strerror (errno));
  return 0;
}

static long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Wait until cgroup.events has `key value`: the kernel signals every change
 * of that file with POLLPRI, so no sleeping is needed.  0 when seen, -1 on
 * timeout or error. */
int
cgroup_v2_wait_event (struct cgroup_dir *d, const char *key, const char *value, int timeout_ms)
{
  cleanup_close int fd = openat (d->fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
  cleanup_free char *want = NULL;
  long deadline = now_ms () + timeout_ms;

  if (fd < 0)
    return -1;
  xasprintf (&want, "%s %s\n", key, value);
  for (;;)
    {
      char buf[512];
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      if (n < 0)
        return -1;
      buf[n] = '\0';
      const char *p = strstr (buf, want);
      if (p && (p == buf || p[-1] == '\n'))
        return 0;
      long left = deadline - now_ms ();
      if (left <= 0)
        return -1;
      struct pollfd pfd = { .fd = fd, .events = POLLPRI };
      if (poll (&pfd, 1, (int) left) < 0 && errno != EINTR)
        return -1;
    }
}

int
cgroup_v2_wait_unpopulated (struct cgroup_dir *d, int timeout_ms)
{
  return cgroup_v2_wait_event (d, "populated", "0", timeout_ms);
}
