/* SPDX-License-Identifier: GPL-2.0-or-later */
/* newuidmap / newgidmap (shadow's `uidmap` package): setuid helpers that
 * write the maps of a user namespace an unprivileged user made, with the
 * subordinate ranges /etc/subuid and /etc/subgid grant that user.  They
 * check the grant themselves; casing only hands them the config's ranges. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "core/utils.h"

static const char *
helper_name (bool gid)
{
  return gid ? "newgidmap" : "newuidmap";
}

/* The helper as execvp would find it in $PATH: for the message when it is
 * missing, before anything exists. */
char *
userns_helper_find (bool gid)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  char *save = NULL;

  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *file;
      xasprintf (&file, "%s/%s", *dir ? dir : ".", helper_name (gid));
      if (access (file, X_OK) == 0)
        return file;
      free (file);
    }
  return NULL;
}

static char **
helper_argv (const char *file, pid_t pid, const oci_id_mapping *m, size_t n)
{
  char **argv = xmalloc0 ((3 + 3 * n) * sizeof (char *));
  size_t a = 0;

  argv[a++] = xstrdup (file);
  xasprintf (&argv[a++], "%d", (int) pid);
  for (size_t i = 0; i < n; i++)
    {
      xasprintf (&argv[a++], "%" PRIu32, m[i].container_id);
      xasprintf (&argv[a++], "%" PRIu32, m[i].host_id);
      xasprintf (&argv[a++], "%" PRIu32, m[i].size);
    }
  return argv;
}

static void
free_argv (char **argv)
{
  for (char **p = argv; p && *p; p++)
    free (*p);
  free (argv);
}

/* The helper's complaint, one line, for the error message. */
static void
read_complaint (int fd, char *buf, size_t size)
{
  size_t used = 0;
  ssize_t r;

  while (used + 1 < size && ((r = read (fd, buf + used, size - 1 - used)) > 0 || (r < 0 && errno == EINTR)))
    if (r > 0)
      used += (size_t) r;
  buf[used] = '\0';
  while (used > 0 && (buf[used - 1] == '\n' || buf[used - 1] == ' '))
    buf[--used] = '\0';
  for (char *p = buf; *p; p++)
    if (*p == '\n')
      *p = ' ';
}

static int
run_helper (char **argv, char *complaint, size_t size, int *status, casing_error_t *err)
{
  int out[2];
  pid_t pid;

  if (pipe2 (out, O_CLOEXEC) < 0)
    return casing_error_errno (err, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (out[0]);
      close (out[1]);
      return casing_error_errno (err, "fork for %s", argv[0]);
    }
  if (pid == 0)
    {
      sigset_t none;
      int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      if (null < 0 || dup2 (null, 0) < 0 || dup2 (out[1], 1) < 0 || dup2 (out[1], 2) < 0)
        _exit (126);
      execv (argv[0], argv);
      dprintf (2, "cannot execute: %s", strerror (errno));
      _exit (127);
    }
  close (out[1]);
  read_complaint (out[0], complaint, size);
  close (out[0]);
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return casing_error_errno (err, "wait for %s", argv[0]);
  return 0;
}

int
userns_helper_write (pid_t pid, bool gid, const oci_id_mapping *m, size_t n, casing_error_t *err)
{
  const char *field = gid ? "linux.gidMappings" : "linux.uidMappings";
  cleanup_free char *file = userns_helper_find (gid);
  char complaint[512];
  char **argv;
  int status = 0;
  int r;

  if (file == NULL)
    return casing_error_set (err, ENOENT, "%s: mapping more than your own id needs %s (package uidmap) "
                             "in $PATH, and ranges for you in %s; or run as root",
                             field, helper_name (gid), gid ? "/etc/subgid" : "/etc/subuid");
  argv = helper_argv (file, pid, m, n);
  r = run_helper (argv, complaint, sizeof complaint, &status, err);
  free_argv (argv);
  if (r < 0)
    return casing_error_prefix (err, "%s", field);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  return casing_error_set (err, EPERM, "%s: %s failed (%s %d)%s%s; check the ranges %s grants you",
                           field, file, WIFEXITED (status) ? "exit status" : "signal",
                           WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status),
                           *complaint ? ": " : "", complaint, gid ? "/etc/subgid" : "/etc/subuid");
}

bool
userns_helper_available (bool gid)
{
  char *file = userns_helper_find (gid);
  free (file);
  return file != NULL;
}
