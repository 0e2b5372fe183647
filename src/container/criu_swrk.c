/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `criu swrk FD`: criu serving RPC requests on a socket it inherits.  Each
 * request and answer is one SOCK_SEQPACKET message; during a request criu
 * sends notifications (NOTIFY answers, sometimes with an fd) and waits for
 * our NOTIFY request back before it goes on. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/utils.h"
#include "container_internal.h"
#include "criu_proto.h"
#include "criu_rpc.h"

/* criu's answers are a few hundred bytes; anything this large is not one. */
#define CRIU_MSG_MAX 65536

static int
clear_cloexec (int fd)
{
  int flags = fcntl (fd, F_GETFD);
  return flags < 0 ? -1 : fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC);
}

/* In the child: a mount namespace of criu's own, where nothing it mounts
 * (the restored tree, the bind of the root) propagates back to the host. */
static int
private_root (const char *root, casing_error_t *err)
{
  if (unshare (CLONE_NEWNS) < 0)
    return casing_error_errno (err, "unshare the mount namespace for criu");
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return casing_error_errno (err, "make the mounts of criu's namespace rslave");
  if (mount (root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
    return casing_error_errno (err, "bind the root filesystem `%s` on itself for criu", root);
  return 0;
}

/* `fd` again, through `path` looked up in the current mount namespace,
 * refused unless it is the very directory `fd` is. */
static int
reopen_dir (int fd, const char *path, casing_error_t *err)
{
  cleanup_close int nfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat a, b;

  if (nfd < 0)
    return casing_error_errno (err, "open `%s` in criu's mount namespace", path);
  if (fstat (fd, &a) < 0 || fstat (nfd, &b) < 0)
    return casing_error_errno (err, "stat `%s`", path);
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return casing_error_set (err, EBUSY, "`%s` changed while criu was starting", path);
  if (dup3 (nfd, fd, O_CLOEXEC) < 0)
    return casing_error_errno (err, "dup3");
  return 0;
}

static int
send_fd (int sock, int fd, casing_error_t *err)
{
  char byte = 0;
  struct iovec iov = { &byte, 1 };

  if (fdpass_send (sock, &iov, 1, fd) < 0)
    return casing_error_errno (err, "pass criu's socket");
  return 0;
}


static int
recv_fd (int sock, casing_error_t *err)
{
  char byte;
  struct iovec iov = { &byte, 1 };
  union fdpass_control u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n;
  int fd;

  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return casing_error_errno (err, "receive criu's socket");
  fd = fdpass_take (&msg);
  if (fd < 0)
    return casing_error_set (err, EPROTO, "criu's socket was not passed");
  return fd;
}

/* The socket criu serves is made here, by the process that becomes criu:
 * criu takes the fds a request names from /proc/PEER/fd/N, PEER being the
 * maker of the socket pair (SO_PEERCRED), and those must be criu's own
 * fds, opened again in its mount namespace (reopen_dir).  The other end
 * goes to the parent through `handoff`. */
static int
make_socket (int handoff, int *sock, casing_error_t *err)
{
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return casing_error_errno (err, "socketpair for criu");
  if (send_fd (handoff, sv[0], err) < 0)
    return -1;
  close (sv[0]);
  *sock = sv[1];
  return clear_cloexec (sv[1]) < 0 ? casing_error_errno (err, "pass the socket to criu") : 0;
}

static void __attribute__ ((noreturn))
child_main (const struct criu_spawn *s, int handoff, int report)
{
  cleanup_casing_error casing_error_t err = NULL;
  char fdarg[16];
  int sock = -1;

  signals_reset_for_child ();
  if (s->private_root && private_root (s->private_root, &err) < 0)
    goto fail;
  for (size_t i = 0; s->private_root && i < s->n_reopen; i++)
    if (reopen_dir (s->reopen_fds[i], s->reopen_paths[i], &err) < 0)
      goto fail;
  if (s->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      casing_error_errno (&err, "set no_new_privs for criu");
      goto fail;
    }
  for (size_t i = 0; i < s->n_keep_fds; i++)
    if (s->keep_fds[i] >= 0 && clear_cloexec (s->keep_fds[i]) < 0)
      {
        casing_error_errno (&err, "pass fd %d to criu", s->keep_fds[i]);
        goto fail;
      }
  if (make_socket (handoff, &sock, &err) < 0)
    goto fail;
  snprintf (fdarg, sizeof fdarg, "%d", sock);
  execl (s->criu_path, "criu", "swrk", fdarg, (char *) NULL);
  casing_error_errno (&err, "execute `%s`", s->criu_path);
fail:
  casing_error_write_to_fd (report, err);
  _exit (127);
}

/* The child reports a setup failure on `report`; an exec closes it. */
static int
wait_for_exec (struct criu_swrk *w, int report, casing_error_t *err)
{
  int r = casing_error_read_from_fd (report, err);

  if (r == 0)
    return 0;
  (void) criu_swrk_finish (w);
  if (r < 0)
    return casing_error_set (err, EPROTO, "criu failed to start");
  return -1;
}

int
criu_swrk_start (const struct criu_spawn *s, struct criu_swrk *w, casing_error_t *err)
{
  int sv[2], pipefd[2];
  int r;

  w->pid = -1;
  w->sock = -1;
  if (socketpair (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
    return casing_error_errno (err, "socketpair");
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    {
      close (sv[0]);
      close (sv[1]);
      return casing_error_errno (err, "pipe");
    }
  w->pid = fork ();
  if (w->pid == 0)
    {
      close (sv[0]);
      close (pipefd[0]);
      child_main (s, sv[1], pipefd[1]);
    }
  close (sv[1]);
  close (pipefd[1]);
  if (w->pid < 0)
    {
      close (sv[0]);
      close (pipefd[0]);
      return casing_error_errno (err, "fork criu");
    }
  r = wait_for_exec (w, pipefd[0], err);
  close (pipefd[0]);
  if (r == 0)
    {
      w->sock = recv_fd (sv[0], err);
      if (w->sock < 0)
        {
          (void) criu_swrk_finish (w);
          r = -1;
        }
    }
  close (sv[0]);
  return r;
}

int
criu_swrk_finish (struct criu_swrk *w)
{
  int status = 0;

  if (w->sock >= 0)
    close (w->sock);
  w->sock = -1;
  if (w->pid <= 0)
    return 0;
  while (waitpid (w->pid, &status, 0) < 0)
    if (errno != EINTR)
      {
        w->pid = -1;
        return -1;
      }
  w->pid = -1;
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

static int
send_request (struct criu_swrk *w, enum criu_req_type type, const struct criu_opts *o, bool notify_ok,
              bool features, casing_error_t *err)
{
  struct pb_buf b = { 0 };
  ssize_t n;

  criu_req_encode (&b, type, o, notify_ok, features);
  do
    n = send (w->sock, b.data, b.len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  pb_buf_free (&b);
  if (n < 0)
    return casing_error_errno (err, "send a request to criu");
  return 0;
}

static int
recv_answer (struct criu_swrk *w, struct criu_resp *out, casing_error_t *err)
{
  cleanup_free uint8_t *buf = xmalloc0 (CRIU_MSG_MAX);
  union
  {
    char buf[CMSG_SPACE (4 * sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { buf, CRIU_MSG_MAX };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n;

  do
    n = recvmsg (w->sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return casing_error_errno (err, "read criu's answer");
  out->fd = fdpass_take (&msg);
  if (n == 0)
    return casing_error_set (err, EPIPE, "criu exited without answering");
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
    return casing_error_set (err, EPROTO, "criu's answer is too large");
  return criu_resp_decode (buf, (size_t) n, out, err);
}

static int
answer_notification (struct criu_swrk *w, struct criu_resp *r, criu_notify_fn notify, void *data,
                     casing_error_t *err)
{
  cleanup_casing_error casing_error_t nerr = NULL;
  int fd = steal_fd (&r->fd);
  int ok = 0;

  if (notify)
    ok = notify (data, r->notify_script ? r->notify_script : "", r->notify_pid, fd, &nerr);
  else if (fd >= 0)
    close (fd);
  if (send_request (w, CRIU_REQ_NOTIFY, NULL, ok == 0, false, err) < 0)
    return -1;
  if (ok < 0)
    {
      /* criu aborts; ours is the error worth reporting. */
      if (nerr)
        casing_error_take (err, nerr->status, steal_pointer (&nerr->msg));
      else
        casing_error_set (err, 0, "criu notification `%s` failed", r->notify_script);
      return 1;
    }
  return 0;
}

int
criu_swrk_call (struct criu_swrk *w, enum criu_req_type type, const struct criu_opts *o, bool features,
                criu_notify_fn notify, void *data, struct criu_resp *out, casing_error_t *err)
{
  bool failed = false;

  if (send_request (w, type, o, false, features, err) < 0)
    return -1;
  for (;;)
    {
      cleanup_casing_error casing_error_t rerr = NULL;
      int r;
      out->fd = -1;
      /* After a refused notification, criu may just exit: keep our error. */
      if (recv_answer (w, out, failed ? &rerr : err) < 0)
        {
          criu_resp_release (out);
          return -1;
        }
      if (out->type == (int) type)
        return failed ? -1 : 0;
      if (out->type != CRIU_REQ_NOTIFY)
        {
          criu_resp_release (out);
          return casing_error_set (err, EPROTO, "criu answered request %d with a message of type %d",
                                   (int) type, out->type);
        }
      r = answer_notification (w, out, notify, data, err);
      criu_resp_release (out);
      if (r < 0)
        return -1;
      /* After a refused notification criu still ends the request. */
      failed = failed || r > 0;
    }
}
