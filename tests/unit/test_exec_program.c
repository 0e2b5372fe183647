/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec_program: lookup, #! expansion as the kernel does it, refusal of our
 * own executable, and the exec itself.  The expansion is compared with
 * what the kernel gives the same script when it is executed by path. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine/exe_protect.h"
#include "container/exec_program.h"
#include "core/procfs.h"
#include "unit_test.h"
#include "core/utils.h"

static char dir[] = "/tmp/casing-exec-XXXXXX";

static int
reopen (int fd, casing_error_t *err)
{
  return procfs_reopen (fd, O_RDONLY, err);
}

static void
write_exe (const char *name, const char *body)
{
  cleanup_free char *path = NULL;
  xasprintf (&path, "%s/%s", dir, name);
  CHECK (write_file_atomic (path, body, strlen (body), 0755, NULL) == 0);
}

static int
open_args (char **args, size_t n, struct exec_program *p, casing_error_t *err)
{
  char path_env[256];
  char *env[] = { path_env, NULL };

  snprintf (path_env, sizeof path_env, "PATH=/nonexistent:%s:/bin:/usr/bin", dir);
  return exec_program_open (args, n, env, dir, reopen, p, err);
}

static void
test_lookup (void)
{
  struct exec_program p;
  casing_error_t err = NULL;
  char *sh[] = { "sh" }, *missing[] = { "no-such-program-x" }, *nofile[] = { "/no/such" };
  char *isdir[] = { "/tmp" }, *empty[] = { "" };

  CHECK (open_args (sh, 1, &p, &err) == 0);
  CHECK (p.fd >= 0 && p.dirfd >= 0 && p.path && p.path[0] == '/' && p.known_format);
  CHECK_STR (p.argv[0], "sh");
  exec_program_release (&p);
  CHECK (open_args (missing, 1, &p, &err) < 0);
  CHECK_STR (err->msg, "exec: \"no-such-program-x\": executable file not found in $PATH");
  casing_error_release (&err);
  CHECK (open_args (nofile, 1, &p, &err) < 0);
  CHECK_STR (err->msg, "exec: \"/no/such\": stat /no/such: no such file or directory");
  casing_error_release (&err);
  CHECK (open_args (isdir, 1, &p, &err) < 0);
  CHECK_STR (err->msg, "exec: \"/tmp\": is a directory");
  casing_error_release (&err);
  CHECK (open_args (empty, 1, &p, &err) < 0);
  casing_error_release (&err);
  write_exe ("noexec", "#!/bin/sh\n");
  {
    cleanup_free char *path = NULL;
    char *args[] = { NULL };
    xasprintf (&path, "%s/noexec", dir);
    chmod (path, 0644);
    args[0] = path;
    CHECK (open_args (args, 1, &p, &err) < 0);
    CHECK (err && strstr (err->msg, "permission denied"));
    casing_error_release (&err);
  }
}

/* What the kernel passes: run the script by path with an argv printer as
 * its interpreter, and compare with our expansion. */
static char *
kernel_argv (const char *script)
{
  int pipefd[2];
  char buf[1024] = "";
  ssize_t n;
  pid_t pid;

  CHECK (pipe (pipefd) == 0);
  pid = fork ();
  if (pid == 0)
    {
      char *argv[] = { (char *) "argv0", (char *) "one", (char *) "two words", NULL };
      dup2 (pipefd[1], 1);
      execv (script, argv);
      _exit (127);
    }
  close (pipefd[1]);
  for (size_t len = 0; (n = read (pipefd[0], buf + len, sizeof buf - 1 - len)) > 0;)
    len += (size_t) n;
  close (pipefd[0]);
  waitpid (pid, NULL, 0);
  return xstrdup (buf);
}

static char *
our_argv (struct exec_program *p)
{
  cleanup_free char *out = xstrdup ("");
  for (size_t i = 1; p->argv[i]; i++)
    {
      char *next;
      xasprintf (&next, "%s[%s]", out, p->argv[i]);
      free (out);
      out = next;
    }
  return steal_pointer (&out);
}

static void
test_shebang_like_the_kernel (void)
{
  /* The printer: a script whose interpreter is /bin/sh printing "$@". */
  static const char *const lines[] = {
    "#!%s/printer\n",
    "#!%s/printer   spaced arg  \n",
    "#! \t%s/printer -x\n",
    "#!%s/printer a b c\n",
    "#!%s/nested\n",
  };
  write_exe ("printer", "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
  write_exe ("nested", "");
  {
    cleanup_free char *body = NULL;
    xasprintf (&body, "#!%s/printer nested-arg\n", dir);
    write_exe ("nested", body);
  }
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
    {
      cleanup_free char *body = NULL, *path = NULL, *want = NULL, *got = NULL;
      struct exec_program p;
      casing_error_t err = NULL;
      char *args[] = { NULL, (char *) "one", (char *) "two words" };

      xasprintf (&body, lines[i], dir);
      write_exe ("script", body);
      xasprintf (&path, "%s/script", dir);
      args[0] = path;
      CHECK (open_args (args, 3, &p, &err) == 0);
      if (err)
        continue;
      want = kernel_argv (path);
      /* The kernel's argv of the printer starts at its own $0: drop the
       * /bin/sh level both add; ours is the printer's argv[1...]. */
      got = our_argv (&p);
      CHECK_STR (got + strlen ("[") + strlen (dir) + strlen ("/printer]"), want);
      CHECK (p.script_fd >= 0 && p.known_format);
      exec_program_release (&p);
    }
}

static void
test_shebang_errors (void)
{
  struct exec_program p;
  casing_error_t err = NULL;
  cleanup_free char *path = NULL, *loop = NULL;
  char *args[] = { NULL };
  char longline[400];

  xasprintf (&path, "%s/bad", dir);
  args[0] = path;
  write_exe ("bad", "#!   \n");
  CHECK (open_args (args, 1, &p, &err) < 0);
  CHECK (err && strstr (err->msg, "exec format error"));
  casing_error_release (&err);
  memset (longline, 'x', sizeof longline);
  memcpy (longline, "#!/", 3);
  longline[sizeof longline - 1] = '\0';
  write_exe ("bad", longline);
  CHECK (open_args (args, 1, &p, &err) < 0);
  CHECK (err && strstr (err->msg, "exec format error"));
  casing_error_release (&err);
  write_exe ("bad", "#!/no/such/interpreter\n");
  CHECK (open_args (args, 1, &p, &err) < 0);
  CHECK (err && strstr (err->msg, "#! interpreter") && strstr (err->msg, "no such file"));
  casing_error_release (&err);
  xasprintf (&loop, "#!%s/bad\n", dir);
  write_exe ("bad", loop);
  CHECK (open_args (args, 1, &p, &err) < 0);
  CHECK (err && err->status == ELOOP);
  casing_error_release (&err);
}

static void
test_refuses_own_executable (void)
{
  struct exec_program p;
  casing_error_t err = NULL;
  cleanup_free char *body = NULL, *path = NULL;
  char *self[] = { "/proc/self/exe" }, *args[] = { NULL };

  CHECK (self_exe_protect (&err) == 0);
  CHECK (open_args (self, 1, &p, &err) < 0);
  CHECK (err && strstr (err->msg, "is the casing binary itself (CVE-2019-5736)"));
  casing_error_release (&err);
  write_exe ("evil", "#!/proc/self/exe\n");
  xasprintf (&path, "%s/evil", dir);
  args[0] = path;
  CHECK (open_args (args, 1, &p, &err) < 0);
  CHECK (err && strstr (err->msg, "has as interpreter the casing binary"));
  casing_error_release (&err);
  xasprintf (&body, "#! %s arg\n", path);
  write_exe ("chain", body);
  args[0] = (char *) "chain";
  CHECK (open_args (args, 1, &p, &err) < 0);
  CHECK (err && strstr (err->msg, "CVE-2019-5736"));
  casing_error_release (&err);
}

/* The exec itself, by fd and by name: the program runs with our argv. */
static void
test_exec (bool by_name)
{
  int pipefd[2];
  char buf[256] = "";
  ssize_t n;
  pid_t pid;
  int status = 0;

  CHECK (pipe (pipefd) == 0);
  pid = fork ();
  if (pid == 0)
    {
      struct exec_program p;
      casing_error_t err = NULL;
      char *args[] = { (char *) "/usr/bin/dash", (char *) "-c", (char *) "echo \"$0 $1\"", (char *) "zero",
                       (char *) "one" };
      char *env[] = { NULL };

      dup2 (pipefd[1], 1);
      exec_program_test_options (by_name);
      if (open_args (args, 5, &p, &err) < 0)
        _exit (2);
      exec_program_exec (&p, env, true);
      _exit (3);
    }
  close (pipefd[1]);
  n = read (pipefd[0], buf, sizeof buf - 1);
  close (pipefd[0]);
  waitpid (pid, &status, 0);
  buf[n > 0 ? n : 0] = '\0';
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  CHECK_STR (buf, "zero one\n");
}

int
main (void)
{
  CHECK (mkdtemp (dir) != NULL);
  UNIT_RUN (test_lookup ());
  UNIT_RUN (test_shebang_like_the_kernel ());
  UNIT_RUN (test_shebang_errors ());
  UNIT_RUN (test_refuses_own_executable ());
  UNIT_RUN (test_exec (false));
  UNIT_RUN (test_exec (true));
  {
    casing_error_t err = NULL;
    remove_tree_at (AT_FDCWD, dir, &err);
    casing_error_release (&err);
  }
  return unit_done ("test_exec_program");
}
