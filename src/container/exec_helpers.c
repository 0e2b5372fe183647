/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the container init and `exec` share right before execve: finding the
 * program, the environment, the signal state, and the confinement order. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../utils.h"
#include "container_internal.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void
signals_reset_for_child (void)
{
  sigset_t none;

  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static bool
fd_kept (int fd, const int *keep, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (keep[i] == fd)
      return true;
  return false;
}

static bool no_close_range;

void
close_fds_test_options (bool without_close_range)
{
  no_close_range = without_close_range;
}

/* Before close_range(2) (Linux 5.9): one by one, as /proc/self/fd lists. */
static int
close_fds_listed (int from, const int *keep, size_t n, casing_error_t *err)
{
  cleanup_dir DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;

  if (d == NULL)
    return casing_error_errno (err, "open `/proc/self/fd`");
  while ((de = readdir (d)) != NULL)
    {
      int64_t fd;
      if (parse_int64 (de->d_name, &fd) < 0 || fd < from || fd == dirfd (d)
          || fd_kept ((int) fd, keep, n))
        continue;
      close ((int) fd);
    }
  return 0;
}

int
close_fds_except (int preserve, const int *keep, size_t n, casing_error_t *err)
{
  unsigned int from = 3 + (unsigned int) preserve;

  if (no_close_range)
    return close_fds_listed (3 + preserve, keep, n, err);
  /* Ascending walk over the kept fds, closing the gaps between them. */
  for (;;)
    {
      unsigned int next = ~0U;
      for (size_t i = 0; i < n; i++)
        if (keep[i] >= 0 && (unsigned int) keep[i] >= from && (unsigned int) keep[i] < next)
          next = (unsigned int) keep[i];
      if (next > from && syscall (SYS_close_range, from, next == ~0U ? ~0U : next - 1, 0) < 0)
        {
          if (errno == ENOSYS || errno == EINVAL)
            return close_fds_listed (3 + preserve, keep, n, err);
          return casing_error_errno (err, "close_range");
        }
      if (next == ~0U)
        return 0;
      from = next + 1;
    }
}

char **
strv_terminated (char **v, size_t n)
{
  char **out = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    out[i] = v[i];
  return out;
}

char **
env_set (char **env, const char *key, const char *value)
{
  size_t n = 0, klen = strlen (key);
  char **out;
  bool replaced = false;

  while (env && env[n])
    n++;
  out = xmalloc0 ((n + 2) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    {
      if (strncmp (env[i], key, klen) == 0 && env[i][klen] == '=')
        {
          xasprintf (&out[i], "%s=%s", key, value);
          replaced = true;
        }
      else
        out[i] = env[i];
    }
  if (!replaced)
    xasprintf (&out[n], "%s=%s", key, value);
  return out;
}

static const char *
env_get (char *const *env, const char *key)
{
  size_t klen = strlen (key);
  for (; env && *env; env++)
    if (strncmp (*env, key, klen) == 0 && (*env)[klen] == '=')
      return *env + klen + 1;
  return NULL;
}

/* Go's exec wording ("no such file or directory", lower case), which
 * containerd, CRI-O and Podman match to classify the failure. */
static int
check_executable (const char *name, const char *path, casing_error_t *err)
{
  struct stat st;

  if (stat (path, &st) < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return casing_error_set (err, 0, "exec: \"%s\": stat %s: no such file or directory", name,
                                 path);
      if (errno == EACCES)
        return casing_error_set (err, 0, "exec: \"%s\": stat %s: permission denied", name, path);
      return casing_error_errno (err, "exec: \"%s\": stat %s", name, path);
    }
  if (S_ISDIR (st.st_mode))
    return casing_error_set (err, 0, "exec: \"%s\": is a directory", name);
  if (!S_ISREG (st.st_mode) || (st.st_mode & 0111) == 0)
    return casing_error_set (err, 0, "exec: \"%s\": permission denied", name);
  return 0;
}

int
executable_lookup (const char *name, char *const *env, char **out, casing_error_t *err)
{
  const char *path_env;
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (name == NULL || *name == '\0')
    return casing_error_set (err, 0, "process.args is empty");
  if (strchr (name, '/'))
    {
      if (check_executable (name, name, err) < 0)
        return -1;
      *out = xstrdup (name);
      return 0;
    }
  path_env = env_get (env, "PATH");
  copy = xstrdup (path_env ? path_env : DEFAULT_PATH);
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = NULL;
      struct stat st;
      xasprintf (&candidate, "%s/%s", *dir ? dir : ".", name);
      if (stat (candidate, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 0111))
        {
          *out = steal_pointer (&candidate);
          return 0;
        }
    }
  return casing_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

int
process_confine_and_chdir (const oci_process *process, const oci_seccomp *seccomp_config,
                           struct seccomp_program *seccomp, const char *state_json,
                           casing_error_t *err)
{
  int notify_fd = -1;
  bool retry_chdir = false;

  /* CVE-2024-21626: cwd is resolved now, inside the container root (after
   * pivot_root or setns), never through an fd of ours.  Like runc, try
   * first with our privileges and again as the container user only when
   * we were denied. */
  if (chdir (process->cwd) < 0)
    {
      if (errno != EACCES && errno != EPERM)
        return casing_error_errno (err, "chdir to cwd (\"%s\") set in config.json failed",
                                   process->cwd);
      retry_chdir = true;
    }
  if (confine_before_exec (process, seccomp, &notify_fd, err) < 0)
    return -1;
  if (notify_fd >= 0)
    {
      int r = seccomp_send_notify_fd (seccomp_config, notify_fd, state_json, err);
      close (notify_fd);
      if (r < 0)
        return -1;
    }
  if (retry_chdir && chdir (process->cwd) < 0)
    return casing_error_errno (err, "chdir to cwd (\"%s\") set in config.json failed",
                               process->cwd);
  return 0;
}
