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

#include "../utils.h"
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

static int
wait_with_timeout (pid_t pid, const oci_hook *hook, int *status, bool *timed_out,
                   casing_error_t *err)
{
  cleanup_close int pidfd = pidfd_open (pid, 0);
  struct pollfd p;
  int r;

  *timed_out = false;
  if (pidfd >= 0 && hook->has_timeout && hook->timeout > 0)
    {
      p.fd = pidfd;
      p.events = POLLIN;
      do
        r = poll (&p, 1, hook->timeout > 86400 ? 86400000 : (int) hook->timeout * 1000);
      while (r < 0 && errno == EINTR);
      if (r == 0)
        {
          *timed_out = true;
          pidfd_send_signal (pidfd, SIGKILL, NULL, 0);
        }
    }
  while (waitpid (pid, status, 0) < 0)
    if (errno != EINTR)
      return casing_error_errno (err, "wait for hook `%s`", hook->path);
  return 0;
}

/* Hand the state to the hook without ever blocking on a hook that does not
 * read its stdin: the pipe is made large enough and written non-blocking. */
static void
feed_state (int fd, const char *state_json)
{
  const struct timespec no_wait = { 0, 0 };
  size_t len = state_json ? strlen (state_json) : 0;
  sigset_t pipe_set, old;

  if (len == 0)
    return;
  if (len > 65536)
    (void) fcntl (fd, F_SETPIPE_SZ, (int) len);
  (void) fcntl (fd, F_SETFL, O_NONBLOCK);
  /* A hook that exits without reading its stdin must not kill us with
   * SIGPIPE: block it around the write and discard the one it raised.
   * (Ignoring it would be inherited by the container across execve.) */
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  sigprocmask (SIG_BLOCK, &pipe_set, &old);
  (void) write_all (fd, state_json, len);
  while (sigtimedwait (&pipe_set, NULL, &no_wait) > 0)
    ;
  sigprocmask (SIG_SETMASK, &old, NULL);
}

int
hook_run (const oci_hook *hook, enum hook_kind kind, size_t index, const char *state_json,
          casing_error_t *err)
{
  cleanup_close int in_r = -1, in_w = -1, err_r = -1, err_w = -1;
  int fds[2], status = 0, child_errno = 0;
  bool timed_out;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    return casing_error_errno (err, "pipe");
  in_r = fds[0], in_w = fds[1];
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
  feed_state (in_w, state_json);
  close (steal_fd (&in_w));
  if (wait_with_timeout (pid, hook, &status, &timed_out, err) < 0)
    return -1;
  if (read (err_r, &child_errno, sizeof child_errno) == (ssize_t) sizeof child_errno)
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
