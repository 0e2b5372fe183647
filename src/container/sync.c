/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/trace.h"
#include "core/utils.h"
#include "sync.h"

/* A message travels in packets of at most SYNC_CHUNK payload bytes (well
 * under the socket buffer, so one packet is never refused for its size);
 * `more` says another packet of the same message follows.  The whole is
 * bounded like the documents it carries (a state with the annotations of
 * a config of up to 16 MiB). */
#define SYNC_CHUNK (64 * 1024)
#define SYNC_MAX_PAYLOAD (24 * 1024 * 1024)

struct sync_header
{
  uint32_t type;
  int32_t status;
  uint32_t more;
};

void
sync_msg_clear (struct sync_msg *m)
{
  free (m->payload);
  if (m->fd >= 0)
    close (m->fd);
  m->payload = NULL;
  m->len = 0;
  m->fd = -1;
}

int
sync_socketpair (int fds[2], casing_error_t *err)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return casing_error_errno (err, "socketpair");
  return 0;
}

static int
send_packet (int sock, struct sync_header h, const char *payload, size_t len, int fd)
{
  struct iovec iov[2] = { { &h, sizeof h }, { (void *) payload, len } };

  return fdpass_send (sock, iov, len ? 2 : 1, fd) < 0 ? -1 : 0;
}

/* The fd, if any, rides with the first packet. */
static int
send_message (int sock, uint32_t type, int32_t status, const char *payload, size_t len, int fd)
{
  do
    {
      size_t n = len > SYNC_CHUNK ? SYNC_CHUNK : len;
      struct sync_header h = { .type = type, .status = status, .more = len > n };

      if (send_packet (sock, h, payload, n, fd) < 0)
        return -1;
      fd = -1;
      payload += n;
      len -= n;
    }
  while (len > 0);
  return 0;
}

int
sync_send (int sock, uint32_t type, const char *payload, size_t len, int fd, casing_error_t *err)
{
  if (len > SYNC_MAX_PAYLOAD)
    return casing_error_set (err, EMSGSIZE, "internal message too large (%zu bytes)", len);
  if (send_message (sock, type, 0, payload, len, fd) < 0)
    return casing_error_errno (err, "send to the container setup");
  return 0;
}

void
sync_send_error (int sock, const casing_error_t e)
{
  const char *msg = e && e->msg ? e->msg : "unknown error";
  size_t len = strlen (msg);

  if (len > SYNC_CHUNK)
    len = SYNC_CHUNK;
  (void) send_message (sock, SYNC_ERROR, e ? e->status : 0, msg, len, -1);
}

/* One packet: its header, its payload appended to *buf (*len bytes so
 * far), an fd it carries into *fd.  1, 0 at EOF, or -1. */
static int
recv_packet (int sock, struct sync_header *h, char **buf, size_t *len, int *fd, casing_error_t *err)
{
  struct iovec iov[2] = { { h, sizeof *h }, { NULL, SYNC_CHUNK } };
  union fdpass_control u;
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t r;
  int got;

  if (*len > SYNC_MAX_PAYLOAD)
    return casing_error_set (err, EMSGSIZE, "message from the container setup too large");
  *buf = xrealloc (*buf, *len + SYNC_CHUNK + 1);
  iov[1].iov_base = *buf + *len;
  do
    r = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno == ECONNRESET)
    r = 0;
  if (r <= 0)
    return r == 0 ? 0 : casing_error_errno (err, "receive from the container setup");
  /* One fd per message: any other is closed. */
  got = fdpass_take (&msg);
  if (got >= 0 && *fd < 0)
    *fd = got;
  else if (got >= 0)
    close (got);
  if ((size_t) r < sizeof *h || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
    return casing_error_set (err, EPROTO, "malformed message from the container setup");
  *len += (size_t) r - sizeof *h;
  return 1;
}

void
sync_send_trace (int sock)
{
  size_t len;
  cleanup_free char *records = trace_enabled () ? trace_take (&len) : NULL;

  if (records && len > 0)
    (void) sync_send (sock, SYNC_TRACE, records, len, -1, NULL);
}

static int recv_message (int sock, struct sync_msg *m, casing_error_t *err);

int
sync_recv (int sock, struct sync_msg *m, casing_error_t *err)
{
  int r;

  while ((r = recv_message (sock, m, err)) > 0 && m->type == SYNC_TRACE)
    {
      trace_write_records (m->payload, m->len);
      sync_msg_clear (m);
    }
  return r;
}

static int
recv_message (int sock, struct sync_msg *m, casing_error_t *err)
{
  struct sync_header h = { 0 };
  char *buf = NULL;
  size_t len = 0;
  int r;

  m->fd = -1;
  m->payload = NULL;
  do
    {
      uint32_t type = h.type;
      r = recv_packet (sock, &h, &buf, &len, &m->fd, err);
      if (r > 0 && len > 0 && type && h.type != type)
        r = casing_error_set (err, EPROTO, "interleaved messages from the container setup");
    }
  while (r > 0 && h.more);
  if (r <= 0)
    {
      free (buf);
      sync_msg_clear (m);
      if (r == 0 && len > 0)
        return casing_error_set (err, EPROTO, "truncated message from the container setup");
      return r;
    }
  m->type = h.type;
  m->status = h.status;
  m->len = len;
  buf[len] = '\0';
  m->payload = buf;
  return 1;
}

int
sync_expect (int sock, uint32_t type, struct sync_msg *m, const char *what, casing_error_t *err)
{
  int r = sync_recv (sock, m, err);

  if (r < 0)
    return -1;
  if (r == 0)
    return casing_error_set (err, 0, "%s: the other side exited before it was done", what);
  if (m->type == SYNC_ERROR)
    {
      int status = m->status;
      char *text = steal_pointer (&m->payload);
      sync_msg_clear (m);
      return casing_error_take (err, status, text);
    }
  if (m->type != type)
    {
      uint32_t got = m->type;
      sync_msg_clear (m);
      return casing_error_set (err, EPROTO, "%s: unexpected message %u (wanted %u)", what, got,
                               type);
    }
  return 0;
}
