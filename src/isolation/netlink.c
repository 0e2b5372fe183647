/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough rtnetlink to move a link between network namespaces: build a
 * request, send it, read the acknowledgement or the dump. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "isolation_internal.h"
#include "netlink.h"
#include "core/utils.h"

int
nl_open (casing_error_t *err)
{
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return casing_error_errno (err, "open a netlink socket");
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      close (fd);
      return casing_error_errno (err, "bind a netlink socket");
    }
  return fd;
}

void
nl_init (struct nl_req *r, uint16_t type, uint16_t flags, const void *payload, size_t len)
{
  static uint32_t seq;
  memset (r, 0, sizeof *r);
  r->hdr.nlmsg_len = NLMSG_LENGTH (len);
  r->hdr.nlmsg_type = type;
  r->hdr.nlmsg_flags = NLM_F_REQUEST | flags;
  r->hdr.nlmsg_seq = ++seq;
  memcpy (NLMSG_DATA (&r->hdr), payload, len);
}

/* Append an attribute, or fail leaving `r` as it was: a request missing
 * an attribute means something else to the kernel (a link moved without
 * IFLA_IFNAME keeps its host name), so it must never be sent. */
int
nl_add_attr (struct nl_req *r, uint16_t type, const void *data, size_t len, casing_error_t *err)
{
  size_t off = NLMSG_ALIGN (r->hdr.nlmsg_len);
  struct rtattr *rta;

  if (len > sizeof *r || RTA_LENGTH (len) > UINT16_MAX || off + RTA_SPACE (len) > sizeof *r)
    return casing_error_set (err, EMSGSIZE, "netlink attribute %u of %zu bytes does not fit the request",
                             (unsigned) type, len);
  rta = (struct rtattr *) ((char *) r + off);
  rta->rta_type = type;
  rta->rta_len = RTA_LENGTH (len);
  memcpy (RTA_DATA (rta), data, len);
  r->hdr.nlmsg_len = off + RTA_ALIGN (rta->rta_len);
  return 0;
}

/* Send `r`, then call `cb` for each reply message until the ack (or the end
 * of a dump).  A netlink error becomes the errno of *err. */
int
nl_talk (int fd, struct nl_req *r, nl_callback cb, void *data, const char *what, casing_error_t *err)
{
  static char buf[65536];
  if (send (fd, r, r->hdr.nlmsg_len, 0) < 0)
    return casing_error_errno (err, "%s: netlink send", what);
  for (;;)
    {
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return casing_error_errno (err, "%s: netlink receive", what);
      for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK (h, (size_t) n); h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_seq != r->hdr.nlmsg_seq)
            continue;
          if (h->nlmsg_type == NLMSG_DONE)
            return 0;
          if (h->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr *e = NLMSG_DATA (h);
              if (e->error == 0)
                return 0;
              return casing_error_set (err, -e->error, "%s", what);
            }
          if (cb && cb (h, data) < 0)
            return casing_error_set (err, ENOMEM, "%s: too many entries", what);
          if (! (h->nlmsg_flags & NLM_F_MULTI))
            return 0;
        }
    }
}
