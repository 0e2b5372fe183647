/* SPDX-License-Identifier: GPL-2.0-or-later */
/* See exec_program.h: the program of a container process, opened once,
 * verified, and executed through what was verified. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "confine/exe_protect.h"
#include "core/utils.h"
#include "exec_program.h"

/* fs/binfmt_script.c reads this much of a script, and nests 4 deep. */
#define SCRIPT_HEADER_MAX 256
#define MAX_INTERPRETER_DEPTH 4

static bool never_by_fd;

void
exec_program_test_options (bool never_fd)
{
  never_by_fd = never_fd;
}

/* Since Linux 6.14 an exec through an fd names the process after the file
 * (comm_from_dentry); before, after the fd number. */
bool
exec_program_kernel_names_fd_exec (void)
{
  static int cached = -1;
  struct utsname u;
  unsigned major = 0, minor = 0;

  if (cached < 0)
    cached = uname (&u) == 0 && sscanf (u.release, "%u.%u", &major, &minor) == 2
             && (major > 6 || (major == 6 && minor >= 14));
  return cached == 1;
}

/* One file of the chain: held open, with the directory it is in. */
struct file_ref
{
  int fd, dirfd;
  char *path, *name;
  struct stat st;
  bool symlink; /* its last component is a symlink */
};

static void
file_ref_release (struct file_ref *f)
{
  if (f->fd >= 0)
    close (f->fd);
  if (f->dirfd >= 0)
    close (f->dirfd);
  free (f->path);
  free (f->name);
  *f = (struct file_ref){ .fd = -1, .dirfd = -1 };
}

/* `name` made absolute against the process's cwd (it will chdir there
 * before it executes; we are already in its root). */
static char *
absolute (const char *name, const char *cwd)
{
  char *p;

  if (name[0] == '/')
    return xstrdup (name);
  xasprintf (&p, "%s/%s", cwd && cwd[0] ? cwd : "/", name);
  return p;
}

/* Open `path`'s directory, then the file in it; -1 with errno. */
static int
file_ref_open (const char *path, const char *given, struct file_ref *f)
{
  cleanup_free char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  const char *base = slash ? slash + 1 : dir;
  struct stat lst;

  *f = (struct file_ref){ .fd = -1, .dirfd = -1 };
  if (*base == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    return (errno = EISDIR, -1);
  if (slash)
    *slash = '\0';
  f->dirfd = open (slash ? (dir[0] ? dir : "/") : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (f->dirfd < 0)
    return -1;
  f->name = xstrdup (base);
  f->path = xstrdup (given);
  f->fd = openat (f->dirfd, base, O_PATH | O_CLOEXEC);
  if (f->fd < 0 || fstat (f->fd, &f->st) < 0)
    {
      int saved = errno;
      file_ref_release (f);
      return (errno = saved, -1);
    }
  f->symlink = fstatat (f->dirfd, base, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (lst.st_mode);
  return 0;
}

static bool
is_executable_file (const struct stat *st)
{
  return S_ISREG (st->st_mode) && (st->st_mode & 0111);
}

/* Go's exec wording ("no such file or directory", lower case), which
 * containerd, CRI-O and Podman match to classify the failure. */
static int
open_named (const char *name, const char *cwd, struct file_ref *f, casing_error_t *err)
{
  cleanup_free char *path = absolute (name, cwd);

  if (file_ref_open (path, name, f) < 0)
    {
      if (errno == EISDIR)
        return casing_error_set (err, 0, "exec: \"%s\": is a directory", name);
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
        return casing_error_set (err, 0, "exec: \"%s\": stat %s: no such file or directory", name, name);
      if (errno == EACCES)
        return casing_error_set (err, 0, "exec: \"%s\": stat %s: permission denied", name, name);
      return casing_error_errno (err, "exec: \"%s\": stat %s", name, name);
    }
  if (S_ISDIR (f->st.st_mode))
    return casing_error_set (err, 0, "exec: \"%s\": is a directory", name);
  if (!is_executable_file (&f->st))
    return casing_error_set (err, 0, "exec: \"%s\": permission denied", name);
  return 0;
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

/* execvp's search: the first regular file with an exec bit. */
static int
search_path (const char *name, char *const *env, const char *cwd, struct file_ref *f, casing_error_t *err)
{
  const char *path_env = env_get (env, "PATH");
  cleanup_free char *copy = xstrdup (path_env ? path_env : EXEC_DEFAULT_PATH);
  char *save = NULL;

  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = NULL, *path = NULL;
      xasprintf (&candidate, "%s/%s", *dir ? dir : ".", name);
      path = absolute (candidate, cwd);
      if (file_ref_open (path, candidate, f) == 0)
        {
          if (is_executable_file (&f->st))
            return 0;
          file_ref_release (f);
        }
    }
  return casing_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

enum format
{
  FORMAT_UNKNOWN, /* unreadable, or for binfmt_misc: the kernel decides */
  FORMAT_ELF,
  FORMAT_SCRIPT,
};

static enum format
read_header (int fd, int (*reopen) (int, casing_error_t *), char *buf, size_t size, size_t *len)
{
  cleanup_close int rfd = reopen ? reopen (fd, NULL) : -1;
  ssize_t n;

  if (rfd < 0)
    return FORMAT_UNKNOWN;
  do
    n = pread (rfd, buf, size - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n < 2)
    return FORMAT_UNKNOWN;
  buf[n] = '\0';
  *len = (size_t) n;
  if (n >= 4 && memcmp (buf, "\177ELF", 4) == 0)
    return FORMAT_ELF;
  return buf[0] == '#' && buf[1] == '!' ? FORMAT_SCRIPT : FORMAT_UNKNOWN;
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* fs/binfmt_script.c's reading of "#!interpreter [one argument]": -1 when
 * the kernel would say ENOEXEC (no interpreter, or one cut at 256 bytes). */
static int
parse_shebang (char *buf, size_t len, char **interp, char **arg)
{
  char *end = memchr (buf, '\n', len), *p;

  if (end == NULL)
    {
      /* The line goes on past what the kernel reads: usable only when the
       * interpreter name itself ended in what was read. */
      for (p = buf + 2; p < buf + len && is_blank (*p); p++)
        ;
      if (p == buf + len || strcspn (p, " \t") == (size_t) (buf + len - p))
        return -1;
      end = buf + len;
    }
  *end = '\0';
  while (end > buf + 2 && is_blank (end[-1]))
    *--end = '\0';
  for (p = buf + 2; is_blank (*p); p++)
    ;
  if (*p == '\0')
    return -1;
  *interp = p;
  p += strcspn (p, " \t");
  *arg = NULL;
  if (*p)
    {
      *p++ = '\0';
      while (is_blank (*p))
        p++;
      if (*p)
        *arg = p;
    }
  return 0;
}

/* argv for the interpreter: interp, [arg], script path, old argv[1...]. */
static char **
interpreter_argv (char **old, const char *interp, const char *arg, const char *script)
{
  size_t n = 0, i = 0;
  char **v;

  while (old[n])
    n++;
  v = xmalloc0 ((n + 3) * sizeof (char *));
  v[i++] = xstrdup (interp);
  if (arg)
    v[i++] = xstrdup (arg);
  v[i++] = xstrdup (script);
  for (size_t k = 1; k < n; k++)
    v[i++] = xstrdup (old[k]);
  return v;
}

static void
strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

static int
refuse_self (const struct file_ref *f, const char *arg0, int depth, casing_error_t *err)
{
  if (!self_exe_is (&f->st))
    return 0;
  return casing_error_set (err, 0,
                           "process.args: `%s` %s the casing binary itself (CVE-2019-5736): refusing to run it "
                           "in the container",
                           arg0, depth ? "has as interpreter" : "is");
}

/* Replace `cur` by the interpreter of the script it is. */
static int
follow_script (struct exec_program *out, struct file_ref *cur, char *header, size_t len, const char *cwd,
               int depth, casing_error_t *err)
{
  struct file_ref next;
  char *interp, *arg, **argv;

  if (parse_shebang (header, len, &interp, &arg) < 0)
    return casing_error_set (err, ENOEXEC, "exec `%s`: exec format error", cur->path);
  if (open_named (interp, cwd, &next, err) < 0)
    return casing_error_prefix (err, "exec `%s`: its #! interpreter", cur->path);
  argv = interpreter_argv (out->argv, interp, arg, cur->path);
  strv_free (out->argv);
  out->argv = argv;
  if (depth == 0)
    {
      out->script_fd = cur->fd;
      out->script_path = xstrdup (cur->path);
      cur->fd = -1;
    }
  file_ref_release (cur);
  *cur = next;
  return 0;
}

static int
resolve_chain (struct exec_program *out, struct file_ref *cur, const char *arg0, const char *cwd,
               int (*reopen) (int, casing_error_t *), casing_error_t *err)
{
  for (int depth = 0;; depth++)
    {
      char header[SCRIPT_HEADER_MAX + 1];
      size_t len = 0;
      enum format f;

      if (refuse_self (cur, arg0, depth, err) < 0)
        return -1;
      f = read_header (cur->fd, reopen, header, sizeof header, &len);
      if (f != FORMAT_SCRIPT)
        {
          out->known_format = f == FORMAT_ELF;
          return 0;
        }
      if (depth == MAX_INTERPRETER_DEPTH)
        return casing_error_set (err, ELOOP, "exec `%s`: more than %d levels of #! interpreters", arg0,
                                 MAX_INTERPRETER_DEPTH);
      if (follow_script (out, cur, header, len, cwd, depth, err) < 0)
        return -1;
      out->known_format = true;
    }
}

int
exec_program_open (char *const *args, size_t nargs, char *const *env, const char *cwd,
                   int (*reopen) (int fd, casing_error_t *err), struct exec_program *out,
                   casing_error_t *err)
{
  struct file_ref cur = { .fd = -1, .dirfd = -1 };
  const char *name = nargs ? args[0] : NULL;

  *out = (struct exec_program) EXEC_PROGRAM_INIT;
  if (name == NULL || *name == '\0')
    return casing_error_set (err, 0, "process.args is empty");
  if ((strchr (name, '/') ? open_named (name, cwd, &cur, err) : search_path (name, env, cwd, &cur, err)) < 0)
    {
      file_ref_release (&cur);
      return -1;
    }
  out->argv = xmalloc0 ((nargs + 1) * sizeof (char *));
  for (size_t i = 0; i < nargs; i++)
    out->argv[i] = xstrdup (args[i]);
  if (resolve_chain (out, &cur, name, cwd, reopen, err) < 0)
    {
      file_ref_release (&cur);
      exec_program_release (out);
      return -1;
    }
  out->fd = cur.fd;
  out->dirfd = cur.dirfd;
  out->name = cur.name;
  out->path = cur.path;
  out->by_fd = !cur.symlink && !never_by_fd && exec_program_kernel_names_fd_exec ();
  return 0;
}

int
exec_program_check_access (const struct exec_program *p, casing_error_t *err)
{
  if (p->script_fd < 0)
    return 0;
  if (faccessat (p->script_fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) == 0 || errno == ENOSYS
      || errno == EINVAL)
    return 0;
  if (errno == EACCES || errno == EPERM)
    return casing_error_set (err, 0, "exec: \"%s\": permission denied", p->script_path);
  return casing_error_errno (err, "exec: check the script's exec permission");
}

void
exec_program_exec (const struct exec_program *p, char *const *env, bool execveat_allowed)
{
  if (execveat_allowed)
    {
      if (p->by_fd)
        syscall (SYS_execveat, p->fd, "", p->argv, env, AT_EMPTY_PATH);
      else
        syscall (SYS_execveat, p->dirfd, p->name, p->argv, env, 0);
      /* An fd exec cannot hand a binfmt_misc handler a path it can open. */
      if (p->known_format || errno != ENOENT)
        return;
    }
  execve (p->path, p->argv, env);
}

void
exec_program_release (struct exec_program *p)
{
  if (p->fd >= 0)
    close (p->fd);
  if (p->dirfd >= 0)
    close (p->dirfd);
  if (p->script_fd >= 0)
    close (p->script_fd);
  free (p->name);
  free (p->path);
  free (p->script_path);
  strv_free (p->argv);
  *p = (struct exec_program) EXEC_PROGRAM_INIT;
}
