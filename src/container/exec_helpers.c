/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the container init and `exec` share right before execve: finding the
 * program, the environment, the signal state, and the confinement order. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine/lsm.h"
#include "core/procfs.h"
#include "core/trace.h"
#include "core/utils.h"
#include "container_internal.h"
#include "sync.h"


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

/* seccomp lets the final exec through execveat (else: execve by path). */
static bool
execveat_allowed (const struct seccomp_program *prog)
{
  return prog == NULL || seccomp_program_allows_execveat (prog);
}

/* A readable fd on an O_PATH one, for the #! line: through procfs. */
static int
reopen_for_reading (int fd, casing_error_t *err)
{
  return procfs_reopen (fd, O_RDONLY | O_NONBLOCK, err);
}

int
container_program_open (const oci_process *process, char *const *env, struct exec_program *prog,
                        casing_error_t *err)
{
  return exec_program_open (process->args, process->args_len, env, process->cwd, reopen_for_reading, prog,
                            err);
}

static int
enter_cwd (const char *cwd, bool *retry, casing_error_t *err)
{
  *retry = false;
  if (chdir (cwd) == 0)
    return confine_verify_cwd (cwd, err);
  /* Like runc: denied as root (root squash, a 0700 dir of another user in
   * a user namespace), try again as the container user. */
  if (errno != EACCES && errno != EPERM)
    return casing_error_errno (err, "chdir to cwd (\"%s\") set in config.json failed", cwd);
  *retry = true;
  return 0;
}

bool
process_confined_after_clone (const oci_process *p, const struct seccomp_program *seccomp)
{
  /* A scheduler that resets on fork would be lost by the clone, a deadline
   * one forbids it; a filter that refuses the clone would stop it. */
  for (size_t i = 0; p->scheduler && i < p->scheduler->flags_len; i++)
    if (oci_name_index (oci_sched_flags, p->scheduler->flags[i]) == OCI_SCHED_FLAG_RESET_ON_FORK)
      return true;
  if (process_scheduler_forbids_fork (p))
    return true;
  return seccomp && !seccomp_program_allows_clone (seccomp, CLONE_PARENT | SIGCHLD);
}

int
process_apply_label (struct final_exec *f, casing_error_t *err)
{
  /* Through the procfs handle this process holds: one where it sees itself
   * (the init: opened in the container's namespaces; exec's joining
   * process: the host's, which no process of the container can reach). */
  return lsm_set_exec_label (f->process, err);
}

int
process_open_program (struct final_exec *f, struct exec_program *prog, casing_error_t *err)
{
  int r = container_program_open (f->process, f->env, prog, err);

  /* None of our procfs handles may be left for chdir and execve to reach
   * ("/proc/self/fd/N" as process.cwd, CVE-2024-21626). */
  procfs_reset ();
  return r;
}

int
process_enter_cwd (struct final_exec *f, casing_error_t *err)
{
  procfs_reset ();
  return enter_cwd (f->process->cwd, &f->retry_chdir, err);
}

int
process_confine (struct final_exec *f, casing_error_t *err)
{
  const oci_process *p = f->process;
  int notify_fd = -1;

  if (process_scheduler_forbids_fork (p) && process_apply_scheduler (p, err) < 0)
    return -1;
  if (confine_before_exec (p, f->seccomp, &notify_fd, f->retry_chdir ? p->cwd : NULL, err) < 0)
    return -1;
  f->retry_chdir = false;
  if (notify_fd >= 0)
    {
      int r = seccomp_send_notify_fd (f->seccomp_config, notify_fd, f->state_json, err);
      close (notify_fd);
      if (r < 0)
        return -1;
    }
  return 0;
}

int
process_final_checks (struct final_exec *f, const struct exec_program *prog, casing_error_t *err)
{
  if (exec_program_check_access (prog, err) < 0)
    return -1;
  return mark_fds_cloexec_from (3 + f->preserve_fds, err);
}

/* A level 1 step of the trace around one of the last steps. */
#define STEP(name, call)                                                                           \
  do                                                                                               \
    {                                                                                              \
      TRACE_START (t_);                                                                            \
      int r_ = (call);                                                                             \
      TRACE_STEP (t_, name, 1, NULL);                                                              \
      if (r_ < 0)                                                                                  \
        return -1;                                                                                 \
    }                                                                                              \
  while (0)

int
process_prepare_exec (struct final_exec *f, struct exec_program *prog, casing_error_t *err)
{
  STEP ("lsm-label", process_apply_label (f, err));
  STEP ("program-open", process_open_program (f, prog, err));
  STEP ("chdir", process_enter_cwd (f, err));
  STEP ("confine", process_confine (f, err));
  STEP ("final-checks", process_final_checks (f, prog, err));
  return 0;
}

void
process_exec (const struct final_exec *f, const struct exec_program *prog, int report_fd)
{
  cleanup_casing_error casing_error_t err = NULL;

  sync_send_trace (report_fd);
  if (sync_send (report_fd, SYNC_EXEC, NULL, 0, -1, &err) < 0)
    _exit (1);
  exec_program_exec (prog, f->env, execveat_allowed (f->seccomp));
  casing_error_set (&err, 0, "exec `%s`: %s", prog->path,
                    errno == ENOENT ? "no such file or directory"
                    : errno == EACCES ? "permission denied" : strerror (errno));
  sync_send_error (report_fd, err);
  _exit (127);
}
