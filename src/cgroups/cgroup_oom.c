/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OOM notifications for `events`.  v1: an eventfd registered on
 * memory.oom_control through cgroup.event_control (the kernel signals it on
 * each OOM); v2: inotify on memory.events, whose oom_kill counter grows. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "core/utils.h"

static uint64_t
oom_kills (struct cgroup_dir *d)
{
  cleanup_free char *s = NULL;
  if (cgroup_dir_read (d, "memory.events", &s, NULL) < 0)
    return 0;
  const char *p = strstr (s, "oom_kill ");
  return p ? strtoull (p + 9, NULL, 10) : 0;
}

static int
v1_register (struct cgroup_dir *d, casing_error_t *err)
{
  char line[64];
  cleanup_close int efd = eventfd (0, EFD_CLOEXEC);
  cleanup_close int ofd = openat (d->fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
  if (efd < 0)
    return casing_error_errno (err, "eventfd");
  if (ofd < 0)
    return casing_error_errno (err, "open `%s/memory.oom_control`", d->full);
  snprintf (line, sizeof line, "%d %d", efd, ofd);
  if (cgroup_dir_write (d, "cgroup.event_control", line, err) < 0)
    return -1;
  return steal_fd (&efd);
}

int
cgroup_manager_oom_fd (struct cgroup_manager *m, casing_error_t *err)
{
  if (cgroup_manager_need (m, "OOM events", err) < 0)
    return -1;
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "memory");
  if (d == NULL || d->fd < 0)
    return casing_error_set (err, ENOTSUP, "no memory cgroup: OOM events are not available");
  if (!cgroup_dir_is_v2 (d))
    return v1_register (d, err);
  cleanup_close int fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  cleanup_free char *path = NULL;
  if (fd < 0)
    return casing_error_errno (err, "inotify_init1");
  xasprintf (&path, "%s/memory.events", d->full);
  if (inotify_add_watch (fd, path, IN_MODIFY) < 0)
    return casing_error_errno (err, "watch `%s`", path);
  m->oom_seen = oom_kills (d);
  return steal_fd (&fd);
}

int
cgroup_manager_oom_read (struct cgroup_manager *m, int fd, uint64_t *count, casing_error_t *err)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "memory");
  *count = 0;
  if (d == NULL)
    return casing_error_set (err, ENOTSUP, "no memory cgroup");
  if (!cgroup_dir_is_v2 (d))
    {
      uint64_t v;
      if (read (fd, &v, sizeof v) != sizeof v)
        return errno == EAGAIN ? 0 : casing_error_errno (err, "read the OOM eventfd");
      /* The kernel also signals the eventfd when the cgroup goes away. */
      if (!cgroup_dir_has_file (d, "cgroup.event_control"))
        return 0;
      *count = v;
      return 0;
    }
  char buf[4096];
  while (read (fd, buf, sizeof buf) > 0)
    ;
  uint64_t now = oom_kills (d);
  *count = now > m->oom_seen ? now - m->oom_seen : 0;
  m->oom_seen = now;
  return 0;
}
