/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `run` and `exec` in the foreground: wait for the process with a signalfd
 * (no handlers, no polling), forward every signal we receive to it, and
 * proxy its terminal when we hold the pty master. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/utils.h"
#include "container.h"

static void
forwarded_signals (sigset_t *set)
{
  sigfillset (set);
  /* Faults are ours, never the container's. */
  sigdelset (set, SIGSEGV);
  sigdelset (set, SIGBUS);
  sigdelset (set, SIGFPE);
  sigdelset (set, SIGILL);
  sigdelset (set, SIGABRT);
  sigdelset (set, SIGTRAP);
}

int
foreground_block_signals (bool subreaper, casing_error_t *err)
{
  sigset_t set;

  forwarded_signals (&set);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    return casing_error_errno (err, "sigprocmask");
  /* Orphans of the container (e.g. with a shared pid namespace) are
   * reparented to us and reaped, instead of lingering under pid 1. */
  if (subreaper && prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    return casing_error_errno (err, "prctl PR_SET_CHILD_SUBREAPER");
  return 0;
}

struct proxy
{
  int master;
  bool stdin_open;
  bool raw;
  struct termios saved;
};

static void
proxy_resize (struct proxy *p)
{
  struct winsize ws;
  if (p->master >= 0 && ioctl (0, TIOCGWINSZ, &ws) == 0)
    ioctl (p->master, TIOCSWINSZ, &ws);
}

static void
proxy_init (struct proxy *p, int master)
{
  struct termios raw;

  p->master = master;
  p->stdin_open = master >= 0;
  p->raw = false;
  if (master < 0 || !isatty (0) || tcgetattr (0, &p->saved) < 0)
    return;
  raw = p->saved;
  cfmakeraw (&raw);
  p->raw = tcsetattr (0, TCSANOW, &raw) == 0;
  proxy_resize (p);
}

static void
proxy_restore (struct proxy *p)
{
  if (p->raw)
    tcsetattr (0, TCSANOW, &p->saved);
}

/* Copy one chunk; false on EOF or error of the source. */
static bool
copy_chunk (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  (void) write_all (to, buf, n);
  return true;
}

/* After the process exits, whatever it wrote is still in the pty: flush it
 * without waiting for other holders of the slave to close it. */
static void
proxy_drain (struct proxy *p)
{
  if (p->master < 0)
    return;
  fcntl (p->master, F_SETFL, fcntl (p->master, F_GETFL) | O_NONBLOCK);
  while (copy_chunk (p->master, 1))
    {
      struct pollfd pf = { .fd = p->master, .events = POLLIN };
      if (poll (&pf, 1, 0) <= 0)
        break;
    }
}

static int
exit_code (int status)
{
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

/* Returns true once `pid` has been reaped. */
static bool
handle_signal (int sfd, pid_t pid, struct proxy *p, int *status)
{
  struct signalfd_siginfo si;
  bool done = false;

  if (read (sfd, &si, sizeof si) != (ssize_t) sizeof si)
    return false;
  if (si.ssi_signo == SIGCHLD)
    {
      int st;
      pid_t r;
      while ((r = waitpid (-1, &st, WNOHANG)) > 0)
        if (r == pid)
          {
            *status = st;
            done = true;
          }
      return done;
    }
  if (si.ssi_signo == SIGWINCH && p->master >= 0)
    {
      proxy_resize (p);
      return false;
    }
  kill (pid, si.ssi_signo);
  return false;
}

int
foreground_wait (pid_t pid, int console_master, casing_error_t *err)
{
  cleanup_close int sfd = -1;
  struct proxy p;
  sigset_t set;
  int status = 0;
  bool done = false;

  forwarded_signals (&set);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return casing_error_errno (err, "signalfd");
  /* The child may have exited before the signalfd existed: its SIGCHLD is
   * pending and shows up on the first read. */
  proxy_init (&p, console_master);
  while (!done)
    {
      struct pollfd fds[3] = {
        { .fd = sfd, .events = POLLIN },
        { .fd = p.master, .events = POLLIN },
        { .fd = p.stdin_open ? 0 : -1, .events = POLLIN },
      };
      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          proxy_restore (&p);
          return casing_error_errno (err, "poll");
        }
      if (fds[0].revents & POLLIN)
        done = handle_signal (sfd, pid, &p, &status);
      if (p.master >= 0 && fds[1].revents & (POLLIN | POLLHUP | POLLERR)
          && !copy_chunk (p.master, 1))
        p.master = -1, p.stdin_open = false;
      if (p.stdin_open && fds[2].revents & (POLLIN | POLLHUP | POLLERR)
          && !copy_chunk (0, p.master))
        p.stdin_open = false;
    }
  proxy_drain (&p);
  proxy_restore (&p);
  return exit_code (status);
}
