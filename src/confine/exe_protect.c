/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: a container must never get a writable handle on the
 * casing binary of the host.
 *
 * The attack needs a process of the container to open our executable
 * through /proc/PID/exe (or a /proc/self/fd/N reopen of it).  Two ways lead
 * there, and we close both without copying or re-executing ourselves:
 *
 * 1. A casing process inside the container's pid namespace (`exec`, or the
 *    container init before its execve) is reachable as /proc/PID/exe.  We
 *    make ourselves non-dumpable first thing: the kernel then lets only a
 *    process with CAP_SYS_PTRACE in the initial user namespace open our
 *    /proc/PID/ links.  execve() resets it for the container process.
 *
 * 2. The container's own entry point runs our binary: args[0] being
 *    /proc/self/exe (or a symlink to it), or a `#!/proc/self/exe` script.
 *    During the final execve, /proc/self/exe is still us, so the container
 *    process would become the host casing binary, dumpable, and its peers
 *    could open it.  So before execve we resolve what will run, following
 *    the #! interpreter chain as the kernel does (4 levels), and refuse when
 *    it is our own file (same st_dev/st_ino).
 *
 * Both checks are skipped when our binary cannot be written anyway: it
 * sits on a read-only mount, or is a sealed memfd.  Rootless (euid != 0)
 * is left dumpable: the parent must write the child's uid_map, which a
 * non-dumpable child makes root-owned; there the container's root is the
 * invoking user, who should not own the casing binary. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../log.h"
#include "../utils.h"
#include "confine.h"

#define MAX_INTERPRETER_DEPTH 4

static struct
{
  bool probed;
  bool writable; /* our binary could be overwritten by a container's root */
  dev_t dev;
  ino_t ino;
} self_exe;

static int
probe_self_exe (casing_error_t *err)
{
  cleanup_close int fd = -1;
  struct statvfs vfs;
  struct stat st;
  int seals;

  if (self_exe.probed)
    return 0;
  fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `/proc/self/exe`");
  if (fstat (fd, &st) < 0)
    return casing_error_errno (err, "fstat `/proc/self/exe`");
  self_exe.dev = st.st_dev;
  self_exe.ino = st.st_ino;
  seals = fcntl (fd, F_GET_SEALS);
  self_exe.writable = ! ((fstatvfs (fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
                         || (seals >= 0 && (seals & F_SEAL_WRITE)));
  self_exe.probed = true;
  return 0;
}

int
self_exe_protect (casing_error_t *err)
{
  if (probe_self_exe (err) < 0)
    return -1;
  if (! self_exe.writable || geteuid () != 0)
    return 0;
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return casing_error_errno (err, "prctl PR_SET_DUMPABLE");
  return 0;
}

/* "#!interp arg" -> "interp" (NULL when not a script). */
static char *
script_interpreter (int fd)
{
  char buf[256];
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  char *p, *end;

  if (n < 3 || buf[0] != '#' || buf[1] != '!')
    return NULL;
  buf[n] = '\0';
  for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
    ;
  end = p + strcspn (p, " \t\n");
  *end = '\0';
  return *p ? xstrdup (p) : NULL;
}

int
self_exe_check_exec_target (const char *path, casing_error_t *err)
{
  cleanup_free char *cur = NULL;

  if (probe_self_exe (err) < 0)
    return -1;
  if (! self_exe.writable)
    return 0;
  cur = xstrdup (path);
  for (int depth = 0; cur && depth <= MAX_INTERPRETER_DEPTH; depth++)
    {
      cleanup_close int fd = open (cur, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
      struct stat st;
      char *next;

      /* What cannot be opened cannot be our binary; execve reports it. */
      if (fd < 0 || fstat (fd, &st) < 0)
        return 0;
      if (st.st_dev == self_exe.dev && st.st_ino == self_exe.ino)
        return casing_error_set (err, 0,
                                 "process.args: `%s` %s the casing binary itself (CVE-2019-5736): refusing to run it "
                                 "in the container",
                                 path, depth ? "has as interpreter" : "is");
      next = S_ISREG (st.st_mode) ? script_interpreter (fd) : NULL;
      free (cur);
      cur = next;
    }
  return 0;
}

static const char *
env_path (const oci_process *process)
{
  for (size_t i = 0; i < process->env_len; i++)
    if (strncmp (process->env[i], "PATH=", 5) == 0)
      return process->env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Done by confine_before_exec() while we still have every capability: the
 * container user may not be able to read a script (mode 0711) that the
 * kernel will still hand to its #! interpreter. */
int
self_exe_check_process (const oci_process *process, casing_error_t *err)
{
  cleanup_free char *copy = NULL;
  const char *arg0;
  char *save = NULL;

  if (process == NULL || process->args_len == 0 || process->args[0] == NULL)
    return 0;
  if (probe_self_exe (err) < 0)
    return -1;
  if (! self_exe.writable)
    return 0;
  arg0 = process->args[0];
  if (strchr (arg0, '/'))
    return self_exe_check_exec_target (arg0, err);
  /* Every candidate of the PATH search, not just the first: cheap, and
   * it does not have to agree with the caller's lookup. */
  copy = xstrdup (env_path (process));
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = NULL;
      xasprintf (&candidate, "%s/%s", *dir ? dir : ".", arg0);
      if (self_exe_check_exec_target (candidate, err) < 0)
        return -1;
    }
  return 0;
}
