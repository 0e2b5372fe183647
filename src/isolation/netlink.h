/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal rtnetlink client (netlink.c), for netdevices.c only. */
#ifndef CASING_ISOLATION_NETLINK_H
#define CASING_ISOLATION_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "core/error.h"

struct nl_req
{
  struct nlmsghdr hdr;
  char buf[1024];
};

typedef int (*nl_callback) (struct nlmsghdr *h, void *data);

int nl_open (casing_error_t *err);
void nl_init (struct nl_req *r, uint16_t type, uint16_t flags, const void *payload, size_t len);
/* -1 (EMSGSIZE) when the attribute does not fit; `r` is then unchanged. */
int nl_add_attr (struct nl_req *r, uint16_t type, const void *data, size_t len, casing_error_t *err);
int nl_talk (int fd, struct nl_req *r, nl_callback cb, void *data, const char *what, casing_error_t *err);

#endif
