/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Idmapped mounts need a user namespace carrying the mapping: we make a
 * throw-away one (a child that only waits), write its maps, keep an fd to
 * its namespace and let the child go. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/procfs.h"
#include "core/utils.h"

static int
write_maps (pid_t pid, const oci_id_mapping *uids, size_t nuids, const oci_id_mapping *gids,
            size_t ngids, casing_error_t *err)
{
  cleanup_free char *u = idmap_format (uids, nuids);
  cleanup_free char *g = idmap_format (gids, ngids);
  char sub[64];

  snprintf (sub, sizeof sub, "%d/uid_map", (int) pid);
  if (nuids && procfs_write_verified (sub, u, strlen (u), err) < 0)
    return -1;
  snprintf (sub, sizeof sub, "%d/gid_map", (int) pid);
  if (ngids && procfs_write_verified (sub, g, strlen (g), err) < 0)
    return -1;
  return 0;
}

int
idmap_userns_fd (const oci_id_mapping *uids, size_t nuids, const oci_id_mapping *gids,
                 size_t ngids, casing_error_t *err)
{
  int pipefd[2];
  pid_t pid;
  int ret = -1;
  char path[64];

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return casing_error_errno (err, "pipe");
  pid = (pid_t) syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      casing_error_errno (err, "create a user namespace for an idmapped mount");
      goto out;
    }
  if (pid == 0)
    {
      char c;
      close (pipefd[1]);
      /* Wait until the parent has the namespace fd (EOF), then go. */
      while (read (pipefd[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  if (write_maps (pid, uids, nuids, gids, ngids, err) == 0)
    {
      snprintf (path, sizeof path, "/proc/%d/ns/user", (int) pid);
      ret = namespace_open_checked (path, namespace_lookup ("user"), "idmapped mount", err);
    }
  close (pipefd[1]);
  pipefd[1] = -1;
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
out:
  close (pipefd[0]);
  if (pipefd[1] >= 0)
    close (pipefd[1]);
  return ret;
}
