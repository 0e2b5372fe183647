/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.netDevices: move host interfaces into the container's network
 * namespace, renamed, up, with their permanent global addresses (the
 * kernel drops addresses on a namespace move; config-linux.md asks to keep
 * them). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "isolation_internal.h"
#include "netlink.h"
#include "core/utils.h"

#define MAX_ADDRS 64

struct saved_addr
{
  struct ifaddrmsg ifa;
  unsigned char local[16], address[16];
  size_t len;
  bool has_local, has_address;
};

struct addr_list
{
  int ifindex;
  struct saved_addr a[MAX_ADDRS];
  size_t n;
};

static int
collect_addr (struct nlmsghdr *h, void *data)
{
  struct addr_list *l = data;
  struct ifaddrmsg *ifa = NLMSG_DATA (h);
  int len = IFA_PAYLOAD (h);
  uint32_t flags = ifa->ifa_flags;
  struct saved_addr s = { .ifa = *ifa };

  if (h->nlmsg_type != RTM_NEWADDR || (int) ifa->ifa_index != l->ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
    return 0;
  for (struct rtattr *rta = IFA_RTA (ifa); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    {
      size_t n = RTA_PAYLOAD (rta);
      if (rta->rta_type == IFA_FLAGS && n >= 4)
        memcpy (&flags, RTA_DATA (rta), 4);
      else if ((rta->rta_type == IFA_LOCAL || rta->rta_type == IFA_ADDRESS) && n <= 16)
        {
          s.len = n;
          memcpy (rta->rta_type == IFA_LOCAL ? s.local : s.address, RTA_DATA (rta), n);
          *(rta->rta_type == IFA_LOCAL ? &s.has_local : &s.has_address) = true;
        }
    }
  if (! (flags & IFA_F_PERMANENT))
    return 0;
  if (l->n >= MAX_ADDRS)
    return -1;
  l->a[l->n++] = s;
  return 0;
}

static int
dump_addresses (int nl, struct addr_list *l, casing_error_t *err)
{
  struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
  struct nl_req r;
  nl_init (&r, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof ifa);
  return nl_talk (nl, &r, collect_addr, l, "list addresses", err);
}

/* A socket that lives in the container's network namespace. */
static int
socket_in_netns (int netns_fd, casing_error_t *err)
{
  cleanup_close int self = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  int nl;

  if (self < 0)
    return casing_error_errno (err, "open our network namespace");
  if (setns (netns_fd, CLONE_NEWNET) < 0)
    return casing_error_errno (err, "enter the container's network namespace");
  nl = nl_open (err);
  if (setns (self, CLONE_NEWNET) < 0)
    {
      /* Staying in the container's namespace would be worse than dying. */
      abort ();
    }
  return nl;
}

struct link_query
{
  int ifindex;
  char name[IFNAMSIZ];
};

static int
read_link (struct nlmsghdr *h, void *data)
{
  struct link_query *q = data;
  struct ifinfomsg *ifi = NLMSG_DATA (h);
  int len = IFLA_PAYLOAD (h);
  if (h->nlmsg_type != RTM_NEWLINK)
    return 0;
  q->ifindex = ifi->ifi_index;
  /* The name attribute is bounded by its payload, NUL or not. */
  for (struct rtattr *rta = IFLA_RTA (ifi); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    if (rta->rta_type == IFLA_IFNAME)
      snprintf (q->name, sizeof q->name, "%.*s", (int) RTA_PAYLOAD (rta), (char *) RTA_DATA (rta));
  return 0;
}

static int
move_link (int nl, int ifindex, int netns_fd, const char *new_name, const char *what, casing_error_t *err)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
  uint32_t fd = netns_fd;
  struct nl_req r;

  nl_init (&r, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof ifi);
  if (nl_add_attr (&r, IFLA_NET_NS_FD, &fd, sizeof fd, err) < 0
      || nl_add_attr (&r, IFLA_IFNAME, new_name, strlen (new_name) + 1, err) < 0)
    return casing_error_prefix (err, "%s", what);
  return nl_talk (nl, &r, NULL, NULL, what, err);
}

static int
link_up_and_addresses (int nl, int ifindex, const struct addr_list *l, const char *what, casing_error_t *err)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP,
                           .ifi_change = IFF_UP };
  struct nl_req r;

  for (size_t i = 0; i < l->n; i++)
    {
      struct ifaddrmsg ifa = l->a[i].ifa;
      ifa.ifa_index = ifindex;
      nl_init (&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, &ifa, sizeof ifa);
      if ((l->a[i].has_local && nl_add_attr (&r, IFA_LOCAL, l->a[i].local, l->a[i].len, err) < 0)
          || (l->a[i].has_address && nl_add_attr (&r, IFA_ADDRESS, l->a[i].address, l->a[i].len, err) < 0)
          || nl_talk (nl, &r, NULL, NULL, what, err) < 0)
        return casing_error_prefix (err, "restore an address");
    }
  nl_init (&r, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof ifi);
  if (nl_talk (nl, &r, NULL, NULL, what, err) < 0)
    return casing_error_prefix (err, "set the link up");
  return 0;
}

int
netdevice_move_one (int netns_fd, const char *host_name, const char *new_name, casing_error_t *err)
{
  cleanup_close int nl = -1, nl_in = -1;
  static struct addr_list addrs;
  struct link_query q = { 0 };
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct nl_req r;
  char what[128];

  snprintf (what, sizeof what, "linux.netDevices.%s", host_name);
  /* Checked here too, not only by the caller: nothing is moved under a
   * name the kernel would refuse or we could not send whole. */
  if (new_name == NULL || new_name[0] == '\0')
    return casing_error_set (err, EINVAL, "%s.name: empty", what);
  if (strlen (new_name) >= IFNAMSIZ)
    return casing_error_set (err, EINVAL, "%s.name: `%.*s...` is too long (at most %d bytes)", what,
                             IFNAMSIZ - 1, new_name, IFNAMSIZ - 1);
  memset (&addrs, 0, sizeof addrs);
  addrs.ifindex = (int) if_nametoindex (host_name);
  if (addrs.ifindex == 0)
    return casing_error_set (err, ENODEV, "%s: no such interface on the host", what);
  nl = nl_open (err);
  if (nl < 0 || dump_addresses (nl, &addrs, err) < 0)
    return casing_error_prefix (err, "%s", what);
  if (move_link (nl, addrs.ifindex, netns_fd, new_name, what, err) < 0)
    return casing_error_prefix (err, "move to the container as `%s`", new_name);
  nl_in = socket_in_netns (netns_fd, err);
  if (nl_in < 0)
    return casing_error_prefix (err, "%s", what);
  /* The index is kept across the move unless taken in the container. */
  ifi.ifi_index = addrs.ifindex;
  nl_init (&r, RTM_GETLINK, 0, &ifi, sizeof ifi);
  if (strchr (new_name, '%') == NULL)
    {
      ifi.ifi_index = 0;
      nl_init (&r, RTM_GETLINK, 0, &ifi, sizeof ifi);
      if (nl_add_attr (&r, IFLA_IFNAME, new_name, strlen (new_name) + 1, err) < 0)
        return casing_error_prefix (err, "%s: find the moved link", what);
    }
  if (nl_talk (nl_in, &r, read_link, &q, what, err) < 0)
    return casing_error_prefix (err, "find the moved link");
  return link_up_and_addresses (nl_in, q.ifindex, &addrs, what, err);
}

int
netdevices_move (pid_t pid, const oci_config *config, casing_error_t *err)
{
  const oci_linux *l = config->linux_;
  cleanup_close int netns = -1;
  char path[64];

  if (l == NULL || l->net_devices_len == 0)
    return 0;
  if (! config_has_namespace (config, "network"))
    return casing_error_set (err, EINVAL, "linux.netDevices: requires a `network` namespace");
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int) pid);
  netns = namespace_open_checked (path, namespace_lookup ("network"), "linux.netDevices", err);
  if (netns < 0)
    return -1;
  for (size_t i = 0; i < l->net_devices_len; i++)
    {
      const oci_net_device *d = &l->net_devices[i];
      const char *name = d->name && d->name[0] ? d->name : d->key;
      if (strlen (name) >= IFNAMSIZ)
        return casing_error_set (err, EINVAL, "linux.netDevices.%s.name: `%s` is too long", d->key, name);
      if (netdevice_move_one (netns, d->key, name, err) < 0)
        return -1;
    }
  return 0;
}
