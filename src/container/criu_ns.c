/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces the container joined by path (a pod's network namespace, a
 * shared pid namespace...) belong to someone else: CRIU must not dump
 * them nor make new ones at restore.  network and pid are "external":
 * only their identity goes in the images and the restore gets an fd of
 * the namespace to use instead; ipc, uts and time are joined at restore
 * (CRIU's join_ns), their content left as it is. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ns_kind
{
  const char *type;    /* linux.namespaces[].type */
  const char *proc;    /* /proc/PID/ns/ name, also CRIU's */
  int flag;
  const char *ext_key; /* external (network, pid), else NULL: joined */
};

static const struct ns_kind kinds[] = {
  { "network", "net", CLONE_NEWNET, CRIU_EXT_NET_KEY },
  { "pid", "pid", CLONE_NEWPID, CRIU_EXT_PID_KEY },
  { "ipc", "ipc", CLONE_NEWIPC, NULL },
  { "uts", "uts", CLONE_NEWUTS, NULL },
  { "time", "time", CLONE_NEWTIME, NULL },
};

static const char *
joined_path (const oci_config *c, const char *type)
{
  for (size_t i = 0; c->linux_ && i < c->linux_->namespaces_len; i++)
    if (strcmp (c->linux_->namespaces[i].type, type) == 0)
      return c->linux_->namespaces[i].path;
  return NULL;
}

/* The namespace at `path`, checked to be one of `flag`'s type. */
static int
open_ns (const char *path, int flag, const char *type, casing_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  int t;

  if (fd < 0)
    return casing_error_errno (err, "open the %s namespace `%s`", type, path);
  t = ioctl (fd, NS_GET_NSTYPE);
  if (t < 0)
    return casing_error_set (err, EINVAL, "`%s` is not a namespace file", path);
  if (t != flag)
    return casing_error_set (err, EINVAL, "`%s` is not a %s namespace", path, type);
  return steal_fd (&fd);
}

/* The identity of the namespaces the container is really in: the ns/
 * directory comes from the verified procfs, only its magic links are
 * followed. */
int
criu_ns_dump (const oci_config *c, pid_t pid, struct criu_opts *o, casing_error_t *err)
{
  cleanup_free char *dir = NULL;
  cleanup_close int dirfd = -1;

  xasprintf (&dir, "%d/ns", (int) pid);
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    {
      struct stat st;

      if (joined_path (c, kinds[i].type) == NULL || kinds[i].ext_key == NULL)
        continue;
      if (dirfd < 0 && (dirfd = procfs_open_verified (dir, O_PATH | O_DIRECTORY, err)) < 0)
        return -1;
      if (fstatat (dirfd, kinds[i].proc, &st, 0) < 0)
        return casing_error_errno (err, "stat /proc/%s/%s", dir, kinds[i].proc);
      criu_opts_add_external (o, "%s[%lu]:%s", kinds[i].proc, (unsigned long) st.st_ino, kinds[i].ext_key);
    }
  return 0;
}

static void
keep_fd (int **fds, size_t *n, int fd)
{
  *fds = xrealloc (*fds, (*n + 2) * sizeof (int));
  (*fds)[(*n)++] = fd;
  (*fds)[*n] = -1;
}

int
criu_ns_restore (const oci_config *c, struct criu_opts *o, int **fds, size_t *n_fds, casing_error_t *err)
{
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    {
      const char *path = joined_path (c, kinds[i].type);
      char file[64];
      int fd;

      if (path == NULL)
        continue;
      fd = open_ns (path, kinds[i].flag, kinds[i].type, err);
      if (fd < 0)
        return -1;
      keep_fd (fds, n_fds, fd);
      if (kinds[i].ext_key)
        {
          criu_opts_add_inherit_fd (o, kinds[i].ext_key, fd);
          continue;
        }
      /* criu opens the file itself: our very fd, whatever the path is now. */
      snprintf (file, sizeof file, "/proc/self/fd/%d", fd);
      criu_opts_add_join_ns (o, kinds[i].proc, file);
    }
  return 0;
}
