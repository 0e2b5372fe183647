/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A file descriptor passed over a unix socket (SCM_RIGHTS): the sync
 * protocol, the console socket, criu's RPC, the seccomp listener. */
#ifndef CASING_CORE_FDPASS_H
#define CASING_CORE_FDPASS_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Room in a msghdr for one fd; a union for the cmsghdr alignment. */
union fdpass_control
{
  char buf[CMSG_SPACE (sizeof (int))];
  struct cmsghdr align;
};

/* One sendmsg(2) of the iovecs, with `fd` in SCM_RIGHTS when >= 0;
 * EINTR is retried and a closed peer gives EPIPE, never SIGPIPE.  The
 * bytes sent, or -1 with errno. */
ssize_t fdpass_send (int sock, struct iovec *iov, size_t n_iov, int fd);

/* The first fd the SCM_RIGHTS of a received `msg` carry, or -1; any other
 * is closed (a peer must not leave us holding what we did not ask for). */
int fdpass_take (struct msghdr *msg);

#endif
