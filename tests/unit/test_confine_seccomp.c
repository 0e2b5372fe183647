/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "confine/confine.h"
#include "confine/host.h"
#include "confine/names.h"
#include "confine/seccomp_internal.h"
#include "unit_test.h"
#include "core/utils.h"

/* A pid no process has: getpgid() on it fails with ESRCH unless a rule
 * intervenes, which makes getpgid a clean probe for argument rules. */
#define NO_PID 4000000

/* The oracle: what the compiled program decides for syscall `nr` of the
 * native architecture (SECCOMP_RET_*), by the interpreter the runtime
 * itself asks before loading (seccomp_simulate). */
static uint32_t
verdict (const struct seccomp_program *prog, int nr, const uint64_t args[6])
{
  return prog ? seccomp_simulate (prog, nr, args) : SECCOMP_RET_ALLOW;
}

static oci_seccomp_syscall
rule (const char *name, const char *action)
{
  oci_seccomp_syscall s = { 0 };
  s.names = xmalloc0 (sizeof (char *));
  s.names[0] = (char *) name;
  s.names_len = 1;
  s.action = (char *) action;
  return s;
}

static void
rule_arg (oci_seccomp_syscall *s, uint32_t index, const char *op, uint64_t value, uint64_t value_two)
{
  s->args = xrealloc (s->args, (s->args_len + 1) * sizeof *s->args);
  s->args[s->args_len++] = (oci_seccomp_arg) { index, value, true, value_two, (char *) op };
}

static void
free_rules (oci_seccomp *sc)
{
  for (size_t i = 0; i < sc->syscalls_len; i++)
    {
      free (sc->syscalls[i].names);
      free (sc->syscalls[i].args);
    }
}

struct load_case
{
  struct seccomp_program *prog;
  void (*probe) (void);
};

static void
load_child (void *arg)
{
  struct load_case *c = arg;
  casing_error_t err = NULL;
  int fd = -1;

  CHECK (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  CHECK_OK (seccomp_program_load (c->prog, &fd, &err), err);
  c->probe ();
}

static int
getpgid_errno (long pid)
{
  errno = 0;
  syscall (SYS_getpgid, pid);
  return errno;
}

static void
probe_errno_42 (void)
{
  CHECK (mkdir ("/nonexistent/x", 0700) < 0 && errno == 42);
  CHECK (getpgid_errno (NO_PID) == ESRCH);
  /* The default action (ALLOW) is untouched. */
  CHECK (getpid () > 0);
}

static void
test_errno (void)
{
  oci_seccomp_syscall rules[2] = { rule ("mkdir", "SCMP_ACT_ERRNO"), rule ("no_such_syscall_xyz", "SCMP_ACT_KILL") };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 2 };
  struct load_case c = { .probe = probe_errno_42 };
  casing_error_t err = NULL;

  rules[0].has_errno_ret = true;
  rules[0].errno_ret = 42;
  /* Unknown names are skipped, not fatal. */
  CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
  CHECK (c.prog != NULL);
  if (c.prog)
    CHECK_CHILD_OK (load_child, &c);
  seccomp_program_free (c.prog);
  free_rules (&sc);
}

static void
test_duplicate_rules (void)
{
  /* Profiles repeat syscalls across rules (docker's does): not an error. */
  oci_seccomp_syscall rules[3] = { rule ("mkdir", "SCMP_ACT_ERRNO"), rule ("mkdir", "SCMP_ACT_ERRNO"),
                                   rule ("mkdir", "SCMP_ACT_LOG") };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 3 };
  struct seccomp_program *prog = NULL;
  casing_error_t err = NULL;

  rules[1].has_errno_ret = true;
  rules[1].errno_ret = 43;
  CHECK_OK (seccomp_prepare (&sc, &prog, &err), err);
  /* The first rule wins. */
  if (prog)
    CHECK (verdict (prog, SYS_mkdir, NULL) == (SECCOMP_RET_ERRNO | EPERM));
  seccomp_program_free (prog);
  free_rules (&sc);
}

static void
probe_eperm_default (void)
{
  /* No errnoRet: EPERM. */
  CHECK (getpgid_errno (NO_PID) == EPERM);
}

static void
test_errno_default (void)
{
  oci_seccomp_syscall rules[1] = { rule ("getpgid", "SCMP_ACT_ERRNO") };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1 };
  struct load_case c = { .probe = probe_eperm_default };
  casing_error_t err = NULL;

  CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
  if (c.prog)
    CHECK_CHILD_OK (load_child, &c);
  seccomp_program_free (c.prog);
  free_rules (&sc);
}

/* One rule per operator on getpgid's argument; each errno tells which. */
struct op_case
{
  const char *op;
  uint64_t value, value_two;
  long match, nomatch;
};

static const struct op_case op_cases[] = {
  { "SCMP_CMP_EQ", NO_PID + 1, 0, NO_PID + 1, NO_PID + 2 },
  { "SCMP_CMP_NE", NO_PID + 1, 0, NO_PID + 2, NO_PID + 1 },
  { "SCMP_CMP_LT", NO_PID + 10, 0, NO_PID + 9, NO_PID + 10 },
  { "SCMP_CMP_LE", NO_PID + 10, 0, NO_PID + 10, NO_PID + 11 },
  { "SCMP_CMP_GT", NO_PID + 10, 0, NO_PID + 11, NO_PID + 10 },
  { "SCMP_CMP_GE", NO_PID + 10, 0, NO_PID + 10, NO_PID + 9 },
  /* value is the mask, valueTwo the datum. */
  { "SCMP_CMP_MASKED_EQ", 0xff, 0x2a, NO_PID - (NO_PID & 0xff) + 0x2a + 0x100, NO_PID - (NO_PID & 0xff) + 0x2b },
};

static const struct op_case *current_op;

static void
probe_op (void)
{
  CHECK (getpgid_errno (current_op->match) == 77);
  CHECK (getpgid_errno (current_op->nomatch) == ESRCH);
  if (unit_failures)
    fprintf (stderr, "  operator %s\n", current_op->op);
}

static void
test_operators (void)
{
  for (size_t i = 0; i < sizeof op_cases / sizeof op_cases[0]; i++)
    {
      oci_seccomp_syscall rules[1] = { rule ("getpgid", "SCMP_ACT_ERRNO") };
      oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1 };
      struct load_case c = { .probe = probe_op };
      casing_error_t err = NULL;
      uint64_t args[6] = { 0 };

      rules[0].has_errno_ret = true;
      rules[0].errno_ret = 77;
      rule_arg (&rules[0], 0, op_cases[i].op, op_cases[i].value, op_cases[i].value_two);
      current_op = &op_cases[i];
      CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
      if (c.prog)
        {
          CHECK_CHILD_OK (load_child, &c);
          /* Our simulator agrees with the kernel. */
          args[0] = op_cases[i].match;
          CHECK (verdict (c.prog, SYS_getpgid, args) == (SECCOMP_RET_ERRNO | 77));
          args[0] = op_cases[i].nomatch;
          CHECK (verdict (c.prog, SYS_getpgid, args) == SECCOMP_RET_ALLOW);
        }
      seccomp_program_free (c.prog);
      free_rules (&sc);
    }
}

static void
probe_same_index (void)
{
  /* Two comparisons on argument 0 became two rules: either matches. */
  CHECK (getpgid_errno (NO_PID + 1) == 77);
  CHECK (getpgid_errno (NO_PID + 2) == 77);
  CHECK (getpgid_errno (NO_PID + 3) == ESRCH);
}

static void
test_same_index (void)
{
  oci_seccomp_syscall rules[1] = { rule ("getpgid", "SCMP_ACT_ERRNO") };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1 };
  struct load_case c = { .probe = probe_same_index };
  casing_error_t err = NULL;

  rules[0].has_errno_ret = true;
  rules[0].errno_ret = 77;
  rule_arg (&rules[0], 0, "SCMP_CMP_EQ", NO_PID + 1, 0);
  rule_arg (&rules[0], 0, "SCMP_CMP_EQ", NO_PID + 2, 0);
  CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
  if (c.prog)
    CHECK_CHILD_OK (load_child, &c);
  seccomp_program_free (c.prog);
  free_rules (&sc);
}

static void
probe_getpgid_dies (void)
{
  getpgid_errno (NO_PID);
  /* not reached */
  CHECK (false);
}

static void
test_kill (const char *action)
{
  oci_seccomp_syscall rules[1] = { rule ("getpgid", action) };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1 };
  struct load_case c = { .probe = probe_getpgid_dies };
  casing_error_t err = NULL;
  int st;

  CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
  if (c.prog)
    {
      st = run_in_child (load_child, &c);
      CHECK (WIFSIGNALED (st) && WTERMSIG (st) == SIGSYS);
      if (! (WIFSIGNALED (st) && WTERMSIG (st) == SIGSYS))
        fprintf (stderr, "  action %s: status 0x%x\n", action, st);
    }
  seccomp_program_free (c.prog);
  free_rules (&sc);
}

struct notify_case
{
  struct seccomp_program *prog;
  oci_seccomp *sc;
};

static void
notify_child (void *arg)
{
  struct notify_case *c = arg;
  casing_error_t err = NULL;
  int fd = -1;

  CHECK (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  CHECK_OK (seccomp_program_load (c->prog, &fd, &err), err);
  CHECK (fd >= 0);
  /* Not inheritable by the container process. */
  CHECK (fd >= 0 && (fcntl (fd, F_GETFD) & FD_CLOEXEC));
  /* The socket path is gone (as it is once the child pivoted into the
   * container): the connection made by seccomp_prepare() is used. */
  CHECK_OK (seccomp_send_notify_fd (c->sc, fd, "{\"ociVersion\":\"1.3.0\",\"id\":\"n\",\"status\":\"creating\",\"pid\":7,\"bundle\":\"/b\"}", &err),
            err);
}

static int
listen_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int srv = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  strcpy (addr.sun_path, path);
  CHECK (bind (srv, (struct sockaddr *) &addr, sizeof addr) == 0 && listen (srv, 1) == 0);
  return srv;
}

static void
test_notify (void)
{
  oci_seccomp_syscall rules[1] = { rule ("getpgid", "SCMP_ACT_NOTIFY") };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1 };
  struct notify_case c = { .sc = &sc };
  char dir[] = "/tmp/casing-test-XXXXXX", path[128], buf[4096], control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { buf, sizeof buf - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  casing_error_t err = NULL;
  int srv, conn, got_fd = -1;
  ssize_t n;

  /* NOTIFY without a listenerPath has nowhere to send the fd. */
  CHECK (seccomp_prepare (&sc, &c.prog, &err) < 0);
  CHECK_ERR (err, "listenerPath");
  sc.listener_path = "/nonexistent.sock";
  CHECK (seccomp_prepare (&sc, &c.prog, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.listenerPath: connect to `/nonexistent.sock`");

  CHECK (mkdtemp (dir) != NULL);
  snprintf (path, sizeof path, "%s/agent.sock", dir);
  srv = listen_unix (path);
  sc.listener_path = path;
  /* TSYNC with a listener needs TSYNC_ESRCH, added by seccomp_program_load(). */
  sc.flags = (char *[]) { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC" };
  sc.flags_len = 2;
  CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
  unlink (path);
  if (c.prog)
    CHECK_CHILD_OK (notify_child, &c);
  conn = accept4 (srv, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  CHECK (conn >= 0);
  n = conn >= 0 ? recvmsg (conn, &mh, MSG_CMSG_CLOEXEC) : -1;
  CHECK (n > 0);
  buf[n > 0 ? n : 0] = '\0';
  if (n > 0 && CMSG_FIRSTHDR (&mh) && CMSG_FIRSTHDR (&mh)->cmsg_type == SCM_RIGHTS)
    memcpy (&got_fd, CMSG_DATA (CMSG_FIRSTHDR (&mh)), sizeof (int));
  /* A real seccomp listener. */
  CHECK (got_fd >= 0);
  CHECK (strstr (buf, "\"pid\":7") != NULL && strstr (buf, "\"id\":\"n\"") != NULL);
  if (got_fd >= 0)
    close (got_fd);
  if (conn >= 0)
    close (conn);
  close (srv);
  rmdir (dir);
  seccomp_program_free (c.prog);
  free_rules (&sc);
}

static void
test_send_notify_fd (void)
{
  char dir[] = "/tmp/casing-test-XXXXXX", path[128], buf[4096], control[CMSG_SPACE (sizeof (int))];
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .listener_metadata = "MKNOD=/dev/null \"q\"" };
  const char *state = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4422,\"bundle\":\"/b\"}";
  struct iovec iov = { buf, sizeof buf - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  casing_error_t err = NULL;
  int srv, conn, pipefd[2], got_fd = -1;
  ssize_t n;

  CHECK (mkdtemp (dir) != NULL);
  snprintf (path, sizeof path, "%s/agent.sock", dir);
  strcpy (addr.sun_path, path);
  srv = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK (bind (srv, (struct sockaddr *) &addr, sizeof addr) == 0 && listen (srv, 1) == 0);
  CHECK (pipe2 (pipefd, O_CLOEXEC) == 0);
  sc.listener_path = path;
  CHECK_OK (seccomp_send_notify_fd (&sc, pipefd[0], state, &err), err);
  conn = accept4 (srv, NULL, NULL, SOCK_CLOEXEC);
  CHECK (conn >= 0);
  n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);
  CHECK (n > 0);
  buf[n > 0 ? n : 0] = '\0';
  if (CMSG_FIRSTHDR (&mh) && CMSG_FIRSTHDR (&mh)->cmsg_type == SCM_RIGHTS)
    memcpy (&got_fd, CMSG_DATA (CMSG_FIRSTHDR (&mh)), sizeof (int));
  CHECK (got_fd >= 0);
  /* The fd received is our pipe: a byte written at one end shows up. */
  CHECK (write (pipefd[1], "x", 1) == 1);
  {
    char c = 0;
    CHECK (got_fd >= 0 && read (got_fd, &c, 1) == 1 && c == 'x');
  }
  CHECK (strstr (buf, "\"ociVersion\":\"1.3.0\"") != NULL);
  CHECK (strstr (buf, "\"fds\":[\"seccompFd\"]") != NULL);
  CHECK (strstr (buf, "\"pid\":4422") != NULL);
  CHECK (strstr (buf, "\"metadata\":\"MKNOD=/dev/null \\\"q\\\"\"") != NULL);
  CHECK (strstr (buf, "\"state\":{\"ociVersion\":\"1.3.0\",\"id\":\"c1\"") != NULL);
  /* One document per connection, then closed. */
  CHECK (read (conn, buf, sizeof buf) == 0);
  close (conn);
  close (srv);
  close (pipefd[0]);
  close (pipefd[1]);
  if (got_fd >= 0)
    close (got_fd);
  unlink (path);
  rmdir (dir);

  /* A listener that is not there is an error (config-linux.md). */
  sc.listener_path = "/nonexistent/agent.sock";
  CHECK (seccomp_send_notify_fd (&sc, 0, state, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.listenerPath: connect to `/nonexistent/agent.sock`");
}

static void
test_bad_profiles (void)
{
  oci_seccomp_syscall rules[2] = { rule ("getpgid", "SCMP_ACT_ALLOW"), { 0 } };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ERRNO", .syscalls = rules, .syscalls_len = 1 };
  struct seccomp_program *prog = NULL;
  casing_error_t err = NULL;
  char *flag[] = { "SECCOMP_FILTER_FLAG_NOPE" };
  char *arch[] = { "SCMP_ARCH_PDP11" };

  /* An allow-list without execve: the container could never start. */
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "the seccomp profile blocks execve");
  free_rules (&sc);
  /* execve killed but execveat allowed: casing execs with execveat. */
  rules[0] = rule ("execve", "SCMP_ACT_KILL");
  sc.default_action = "SCMP_ACT_ALLOW";
  CHECK_OK (seccomp_prepare (&sc, &prog, &err), err);
  CHECK (prog && seccomp_program_allows_execveat (prog));
  seccomp_program_free (prog);
  prog = NULL;
  free_rules (&sc);
  rules[0] = rule ("execve", "SCMP_ACT_KILL");
  rules[1] = rule ("execveat", "SCMP_ACT_KILL");
  sc.syscalls_len = 2;
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "blocks execve and execveat (SCMP_ACT_KILL)");
  sc.syscalls_len = 1;
  free (rules[1].names);
  free_rules (&sc);

  rules[0] = rule ("getpgid", "SCMP_ACT_ALLOW");
  rules[0].has_errno_ret = true;
  rules[0].errno_ret = 1;
  sc.default_action = "SCMP_ACT_ERRNO";
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.syscalls[0].action: SCMP_ACT_ALLOW does not take an errno return");
  rules[0].has_errno_ret = false;
  rules[0].action = "SCMP_ACT_BOGUS";
  sc.default_action = "SCMP_ACT_ALLOW";
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_BOGUS\"");
  rules[0].action = "SCMP_ACT_ERRNO";
  rule_arg (&rules[0], 0, "SCMP_CMP_ALMOST", 1, 0);
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_ALMOST\"");
  rules[0].args_len = 0;
  sc.flags = flag;
  sc.flags_len = 1;
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\"");
  sc.flags_len = 0;
  /* An architecture libseccomp does not know is skipped (the validation
   * warns): the filter cannot match it anyway. */
  sc.architectures = arch;
  sc.architectures_len = 1;
  CHECK_OK (seccomp_prepare (&sc, &prog, &err), err);
  seccomp_program_free (prog);
  prog = NULL;
  sc.architectures_len = 0;
  sc.default_action = "SCMP_ACT_KILL";
  sc.has_default_errno_ret = true;
  CHECK (seccomp_prepare (&sc, &prog, &err) < 0);
  CHECK_ERR (err, "linux.seccomp.defaultAction: SCMP_ACT_KILL does not take an errno return");
  free_rules (&sc);
}

static void
probe_flags_archs (void)
{
  CHECK (getpgid_errno (NO_PID) == 13);
}

static void
test_flags_archs (void)
{
  oci_seccomp_syscall rules[1] = { rule ("getpgid", "SCMP_ACT_ERRNO") };
  char *archs[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" };
  char *flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC",
                    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1,
                     .architectures = archs, .architectures_len = 3, .flags = flags, .flags_len = 4 };
  struct load_case c = { .probe = probe_flags_archs };
  casing_error_t err = NULL;
  const char **known = seccomp_known_archs ();

  CHECK (known[0] != NULL);
  free (known);
  /* All four are in Linux 5.19+. */
  for (const char *const *f = oci_seccomp_flags; *f; f++)
    CHECK (seccomp_flag_supported (*f));
  CHECK (seccomp_notify_supported ());
  CHECK (! seccomp_flag_supported ("SECCOMP_FILTER_FLAG_NOPE"));
  rules[0].has_errno_ret = true;
  rules[0].errno_ret = 13;
  CHECK_OK (seccomp_prepare (&sc, &c.prog, &err), err);
  if (c.prog)
    CHECK_CHILD_OK (load_child, &c);
  seccomp_program_free (c.prog);
  free_rules (&sc);
}

static void
eacces_child (void *arg)
{
  casing_error_t err = NULL;
  int fd;
  /* Neither no_new_privs nor CAP_SYS_ADMIN: say which is needed. */
  CHECK (prctl (PR_CAPBSET_READ, 0, 0, 0, 0) >= 0);
  CHECK (setresuid (65534, 65534, 65534) == 0);
  CHECK (seccomp_program_load (arg, &fd, &err) < 0);
  CHECK_ERR (err, "needs process.noNewPrivileges or CAP_SYS_ADMIN");
}

static void
test_load_needs_nnp (void)
{
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW" };
  struct seccomp_program *prog = NULL;
  casing_error_t err = NULL;

  if (geteuid () != 0)
    SKIP_TEST ("needs root");
  CHECK_OK (seccomp_prepare (&sc, &prog, &err), err);
  if (prog)
    CHECK_CHILD_OK (eacces_child, prog);
  seccomp_program_free (prog);
}

static void
before_exec_child (void *arg)
{
  struct seccomp_program *prog = arg;
  static char *kill_cap[] = { "CAP_KILL" };
  oci_capabilities caps = { kill_cap, 1, kill_cap, 1, NULL, 0, kill_cap, 1, NULL, 0 };
  oci_user u = { .has_uid = true, .uid = 1000, .has_gid = true, .gid = 1000 };
  oci_process p = { .user = &u, .capabilities = &caps, .cwd = "/" };
  casing_error_t err = NULL;
  char buf[128];
  int fd;

  /* Without no_new_privs the filter needs CAP_SYS_ADMIN, which the final
   * sets do not have: confine_before_exec() loads it in between. */
  CHECK_OK (confine_before_exec (&p, prog, &fd, NULL, &err), err);
  CHECK (status_field ("Seccomp", buf, sizeof buf) && strcmp (buf, "2") == 0);
  CHECK (status_field ("NoNewPrivs", buf, sizeof buf) && strcmp (buf, "0") == 0);
  CHECK (status_field ("CapEff", buf, sizeof buf) && strcmp (buf, "0000000000000020") == 0);
  CHECK (status_field ("CapBnd", buf, sizeof buf) && strcmp (buf, "0000000000000020") == 0);
  CHECK (getuid () == 1000);
  CHECK (getpgid_errno (NO_PID) == 99);
}

static void
test_before_exec (void)
{
  oci_seccomp_syscall rules[1] = { rule ("getpgid", "SCMP_ACT_ERRNO") };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = rules, .syscalls_len = 1 };
  struct seccomp_program *prog = NULL;
  casing_error_t err = NULL;

#ifndef HAVE_LIBCAP
  free_rules (&sc);
  SKIP_TEST ("built without libcap");
#endif
  if (geteuid () != 0)
    {
      free_rules (&sc);
      SKIP_TEST ("needs root");
    }
  rules[0].has_errno_ret = true;
  rules[0].errno_ret = 99;
  CHECK_OK (seccomp_prepare (&sc, &prog, &err), err);
  if (prog)
    CHECK_CHILD_OK (before_exec_child, prog);
  seccomp_program_free (prog);
  free_rules (&sc);
}

int
main (void)
{
#ifndef HAVE_SECCOMP
  {
    oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW" };
    struct seccomp_program *prog = NULL;
    casing_error_t err = NULL;
    const char **archs = seccomp_known_archs ();
    CHECK (seccomp_prepare (&sc, &prog, &err) < 0 && prog == NULL);
    CHECK_ERR (err, "seccomp requested by linux.seccomp but casing was built without libseccomp");
    CHECK_OK (seccomp_prepare (NULL, &prog, &err), err);
    CHECK_OK (seccomp_program_load (NULL, NULL, &err), err);
    CHECK (archs[0] == NULL && ! seccomp_built ());
    free (archs);
    UNIT_RUN (test_send_notify_fd ());
    return unit_done ("test_confine_seccomp (without libseccomp)");
  }
#endif
  UNIT_RUN (test_errno ());
  UNIT_RUN (test_errno_default ());
  UNIT_RUN (test_duplicate_rules ());
  UNIT_RUN (test_operators ());
  UNIT_RUN (test_same_index ());
  UNIT_RUN (test_kill ("SCMP_ACT_KILL"));
  UNIT_RUN (test_kill ("SCMP_ACT_KILL_PROCESS"));
  UNIT_RUN (test_kill ("SCMP_ACT_KILL_THREAD"));
  UNIT_RUN (test_kill ("SCMP_ACT_TRAP"));
  UNIT_RUN (test_notify ());
  UNIT_RUN (test_send_notify_fd ());
  UNIT_RUN (test_bad_profiles ());
  UNIT_RUN (test_flags_archs ());
  UNIT_RUN (test_load_needs_nnp ());
  UNIT_RUN (test_before_exec ());
  return unit_done ("test_confine_seccomp");
}
