/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/utils.h"
#include "container_internal.h"
#include "hooks.h"

extern char **environ;

static const char *const kind_names[] = {
  [HOOK_PRESTART] = "prestart",
  [HOOK_CREATE_RUNTIME] = "createRuntime",
  [HOOK_CREATE_CONTAINER] = "createContainer",
  [HOOK_START_CONTAINER] = "startContainer",
  [HOOK_POSTSTART] = "poststart",
  [HOOK_POSTSTOP] = "poststop",
};

const char *
hook_kind_name (enum hook_kind kind)
{
  return kind_names[kind];
}

const oci_hook *
hooks_of_kind (const oci_config *config, enum hook_kind kind, size_t *n)
{
  const oci_hooks *h = config ? config->hooks : NULL;

  *n = 0;
  if (h == NULL)
    return NULL;
  switch (kind)
    {
    case HOOK_PRESTART:
      return *n = h->prestart_len, h->prestart;
    case HOOK_CREATE_RUNTIME:
      return *n = h->create_runtime_len, h->create_runtime;
    case HOOK_CREATE_CONTAINER:
      return *n = h->create_container_len, h->create_container;
    case HOOK_START_CONTAINER:
      return *n = h->start_container_len, h->start_container;
    case HOOK_POSTSTART:
      return *n = h->poststart_len, h->poststart;
    case HOOK_POSTSTOP:
      return *n = h->poststop_len, h->poststop;
    }
  return NULL;
}

/* In the forked child: never returns.  An exec failure is reported as an
 * errno on `errpipe` (close-on-exec, so EOF there means execve worked). */
static void __attribute__ ((noreturn))
hook_child (const oci_hook *hook, int stdin_fd, int errpipe)
{
  char *default_argv[] = { hook->path, NULL };
  char **argv = hook->args_len ? strv_terminated (hook->args, hook->args_len) : default_argv;
  sigset_t all;
  int e;

  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  if (dup2 (stdin_fd, 0) < 0)
    goto fail;
  if (mark_fds_cloexec_from (3, NULL) < 0)
    goto fail;
  /* Like runc: a hook without `env` inherits the runtime's environment. */
  execve (hook->path, argv, hook->env ? strv_terminated (hook->env, hook->env_len) : environ);
fail:
  e = errno;
  (void) write_all (errpipe, &e, sizeof e);
  _exit (127);
}

/* How long the hook may still run: a monotonic deadline, when it has a
 * timeout. */
struct hook_clock
{
  bool bounded;
  struct timespec deadline;
};

static void
hook_clock_start (struct hook_clock *c, const oci_hook *hook)
{
  c->bounded = hook->has_timeout && hook->timeout > 0;
  if (! c->bounded)
    return;
  clock_gettime (CLOCK_MONOTONIC, &c->deadline);
  c->deadline.tv_sec += hook->timeout > 86400 * 365 ? 86400 * 365 : hook->timeout;
}

/* poll(2) timeout in ms: -1 without a deadline, 0 once it has passed. */
static int
hook_clock_left_ms (const struct hook_clock *c)
{
  struct timespec now;
  long long ms;

  if (! c->bounded)
    return -1;
  clock_gettime (CLOCK_MONOTONIC, &now);
  ms = (c->deadline.tv_sec - now.tv_sec) * 1000LL + (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
  return ms <= 0 ? 0 : ms > 86400000 ? 86400000 : (int) ms;
}

/* The state still to be written to the hook's stdin, the write end of a
 * non-blocking pipe (-1 once closed). */
struct hook_feed
{
  int fd;
  const char *data;
  size_t len, off;
};

/* Write what the pipe takes now.  1: more to write later; 0: done (all of
 * it written, or nobody left to read it: a hook may ignore its stdin);
 * -1: a real write error. */
static int
feed_some (struct hook_feed *f, const oci_hook *hook, casing_error_t *err)
{
  while (f->off < f->len)
    {
      ssize_t n = write (f->fd, f->data + f->off, f->len - f->off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 1;
      if (n < 0 && errno == EPIPE)
        return 0;
      if (n < 0)
        return casing_error_errno (err, "hook `%s`: write the state to its stdin", hook->path);
      f->off += (size_t) n;
    }
  return 0;
}

static void
feed_close (struct hook_feed *f)
{
  if (f->fd >= 0)
    close (f->fd);
  f->fd = -1;
}

/* Feed the state while waiting for the hook to exit, so that neither a
 * state larger than a pipe holds nor a hook that never reads it can block
 * us: the writes are non-blocking, driven by poll(2) together with the
 * hook's pidfd.  Once the hook has exited, what it did not read is dropped
 * (a process it left behind may hold its stdin open forever).  Without a
 * pidfd (kernel < 5.3) only the pipe is watched.  Returns -1 on a write or
 * poll error, with the hook killed: it must not act on part of a state. */
static int
feed_and_wait (pid_t pid, const oci_hook *hook, struct hook_feed *f, bool *timed_out,
               casing_error_t *err)
{
  cleanup_close int pidfd = pidfd_open (pid, 0);
  struct hook_clock clock;
  int r = 0;

  hook_clock_start (&clock, hook);
  *timed_out = false;
  while (f->fd >= 0 || pidfd >= 0)
    {
      struct pollfd p[2] = { { .fd = f->fd, .events = POLLOUT }, { .fd = pidfd, .events = POLLIN } };
      int left = hook_clock_left_ms (&clock);
      int n = left == 0 ? 0 : poll (p, 2, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        r = casing_error_errno (err, "hook `%s`: poll", hook->path);
      *timed_out = n == 0;
      if (n <= 0 || p[1].revents)
        break; /* an error, the timeout, or the hook exited */
      if (p[0].revents & POLLOUT)
        r = feed_some (f, hook, err);
      else
        r = 0; /* POLLERR: its read end is closed everywhere */
      if (r <= 0)
        feed_close (f);
      if (r < 0)
        break;
    }
  if (*timed_out || r < 0)
    {
      if (pidfd >= 0)
        (void) pidfd_send_signal (pidfd, SIGKILL, NULL, 0);
      else
        (void) kill (pid, SIGKILL);
    }
  feed_close (f);
  return r;
}

static int
reap (pid_t pid, const oci_hook *hook, int *status, casing_error_t *err)
{
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return casing_error_errno (err, "wait for hook `%s`", hook->path);
  return 0;
}

/* A hook that exits without reading its stdin must not kill us with
 * SIGPIPE: it is blocked while we feed the state, and the one it raised is
 * then discarded.  (Ignoring it would be inherited by the container across
 * execve.) */
static void
sigpipe_block (sigset_t *old)
{
  sigset_t pipe_set;

  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  sigprocmask (SIG_BLOCK, &pipe_set, old);
}

static void
sigpipe_restore (const sigset_t *old)
{
  const struct timespec no_wait = { 0, 0 };
  sigset_t pipe_set;

  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  while (sigtimedwait (&pipe_set, NULL, &no_wait) > 0)
    ;
  sigprocmask (SIG_SETMASK, old, NULL);
}

static int
hook_outcome (const oci_hook *hook, enum hook_kind kind, size_t index, int status, bool timed_out,
              int child_errno, casing_error_t *err)
{
  if (child_errno)
    return casing_error_set (err, child_errno, "%s hook #%zu: exec `%s`", hook_kind_name (kind),
                             index, hook->path);
  if (timed_out)
    return casing_error_set (err, ETIMEDOUT, "%s hook #%zu `%s`: timed out after %lld seconds",
                             hook_kind_name (kind), index, hook->path, (long long) hook->timeout);
  if (WIFSIGNALED (status))
    return casing_error_set (err, 0, "%s hook #%zu `%s`: killed by signal %d",
                             hook_kind_name (kind), index, hook->path, WTERMSIG (status));
  if (WEXITSTATUS (status) != 0)
    return casing_error_set (err, 0, "%s hook #%zu `%s`: exit status %d", hook_kind_name (kind),
                             index, hook->path, WEXITSTATUS (status));
  return 0;
}

int
hook_run (const oci_hook *hook, enum hook_kind kind, size_t index, const char *state_json,
          casing_error_t *err)
{
  cleanup_close int in_r = -1, in_w = -1, err_r = -1, err_w = -1;
  struct hook_feed feed = { .fd = -1, .data = state_json ? state_json : "" };
  int fds[2], status = 0, child_errno = 0, r;
  bool timed_out;
  sigset_t old;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    return casing_error_errno (err, "pipe");
  in_r = fds[0], in_w = fds[1];
  /* Only our end is non-blocking: the hook reads as it likes. */
  if (fcntl (in_w, F_SETFL, O_NONBLOCK) < 0)
    return casing_error_errno (err, "hook `%s`: make its stdin pipe non-blocking", hook->path);
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return casing_error_errno (err, "pipe");
  err_r = fds[0], err_w = fds[1];
  pid = fork ();
  if (pid < 0)
    return casing_error_errno (err, "fork for hook `%s`", hook->path);
  if (pid == 0)
    hook_child (hook, in_r, err_w);
  close (steal_fd (&err_w));
  close (steal_fd (&in_r));
  feed.fd = steal_fd (&in_w);
  feed.len = strlen (feed.data);
  sigpipe_block (&old);
  r = feed_and_wait (pid, hook, &feed, &timed_out, err);
  sigpipe_restore (&old);
  if (reap (pid, hook, &status, r < 0 ? NULL : err) < 0 || r < 0)
    return casing_error_prefix (err, "%s hook #%zu", hook_kind_name (kind), index);
  if (read (err_r, &child_errno, sizeof child_errno) != (ssize_t) sizeof child_errno)
    child_errno = 0;
  return hook_outcome (hook, kind, index, status, timed_out, child_errno, err);
}

int
hooks_run (const oci_config *config, enum hook_kind kind, const char *state_json,
           casing_error_t *err)
{
  size_t n;
  const oci_hook *hooks = hooks_of_kind (config, kind, &n);

  for (size_t i = 0; i < n; i++)
    if (hook_run (&hooks[i], kind, i, state_json, err) < 0)
      return -1;
  return 0;
}
