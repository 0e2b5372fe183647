/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure isolation logic: path normalization, sysctl namespace rules, clone
 * flags, namespace validation, time offsets, personality, id maps; and, as
 * root, namespace identities and the netDevices move on the real kernel. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "isolation/isolation_internal.h"
#include "isolation/netlink.h"
#include "unit_test.h"


static void
check_norm (const char *in, const char *want)
{
  char *got = path_normalize (in);
  CHECK_STR (got, want);
  free (got);
}

static void
test_normalize (void)
{
  check_norm ("/", "/");
  check_norm ("", "/");
  check_norm ("proc", "/proc");
  check_norm ("/dev//pts/", "/dev/pts");
  check_norm ("/a/./b/../c", "/a/c");
  check_norm ("/../../etc/passwd", "/etc/passwd");
  check_norm ("../../../../tmp/x", "/tmp/x");
  check_norm ("/a/b/../../..", "/");
  check_norm ("/a/..b/.c", "/a/..b/.c");
  CHECK (path_is_root ("/"));
  CHECK (! path_is_root ("/a"));
}

static oci_config *
config_with (const char *const *types, size_t n)
{
  oci_config *c = calloc (1, sizeof *c);
  c->linux_ = calloc (1, sizeof *c->linux_);
  c->linux_->namespaces = calloc (n + 1, sizeof (oci_namespace));
  for (size_t i = 0; i < n; i++)
    c->linux_->namespaces[i].type = (char *) types[i];
  c->linux_->namespaces_len = n;
  return c;
}

static void
free_config (oci_config *c)
{
  free (c->linux_->namespaces);
  free (c->linux_);
  free (c);
}

static int
allowed (oci_config *c, const char *key)
{
  casing_error_t err = NULL;
  int r = sysctl_check_allowed (c, key, &err);
  if (r < 0)
    {
      CHECK (err != NULL && strstr (err->msg, key) != NULL);
      CHECK (strncmp (err->msg, "linux.sysctl", 12) == 0);
    }
  casing_error_release (&err);
  return r;
}

static void
test_sysctl (void)
{
  static const char *const all[] = { "network", "ipc", "uts" };
  oci_config *c = config_with (all, 3);
  oci_config *none = config_with (NULL, 0);
  char *p;

  CHECK (allowed (c, "net.ipv4.ip_forward") == 0);
  CHECK (allowed (c, "net/ipv4/ip_forward") == 0);
  CHECK (allowed (c, "net.core.somaxconn") == 0);
  CHECK (allowed (c, "kernel.shmmax") == 0);
  CHECK (allowed (c, "kernel.msgmnb") == 0);
  CHECK (allowed (c, "kernel.sem") == 0);
  CHECK (allowed (c, "kernel.shm_rmid_forced") == 0);
  CHECK (allowed (c, "fs.mqueue.msg_max") == 0);
  CHECK (allowed (c, "kernel.hostname") == 0);
  CHECK (allowed (c, "kernel.domainname") == 0);
  CHECK (allowed (c, "vm.swappiness") < 0);
  CHECK (allowed (c, "kernel.pid_max") < 0);
  CHECK (allowed (c, "kernel.shmmaxx") < 0);
  CHECK (allowed (c, "fs.file-max") < 0);
  CHECK (allowed (c, "net/../../kernel/core_pattern") < 0);
  CHECK (allowed (c, "") < 0);
  CHECK (allowed (none, "net.ipv4.ip_forward") < 0);
  CHECK (allowed (none, "kernel.shmmax") < 0);
  CHECK (allowed (none, "kernel.hostname") < 0);

  p = sysctl_proc_path ("net.ipv4.ip_forward");
  CHECK_STR (p, "sys/net/ipv4/ip_forward");
  free (p);
  p = sysctl_proc_path ("net/ipv4/conf/eth0.100/rp_filter");
  CHECK_STR (p, "sys/net/ipv4/conf/eth0.100/rp_filter");
  free (p);
  free_config (c);
  free_config (none);
}

/* Namespace identity: by inode, whatever the path; the child's check fails
 * closed before the runtime's namespaces are recorded. */
static void
test_sysctl_runtime_namespaces (void)
{
  static const char *const all[] = { "network", "ipc", "uts" };
  oci_config *c = config_with (all, 3);
  struct ns_identity a, b;
  casing_error_t err = NULL;
  char self_path[64];

  CHECK (namespace_identity_of_path ("/proc/self/ns/net", &a, &err) == 0);
  CHECK (namespace_identity_current ("net", &b, &err) == 0);
  CHECK (namespace_identity_equal (&a, &b));
  CHECK (namespace_identity_current ("ipc", &b, &err) == 0);
  CHECK (! namespace_identity_equal (&a, &b));
  CHECK (namespace_identity_of_path ("/etc/hostname", &a, &err) < 0 && strstr (err->msg, "not a namespace"));
  casing_error_release (&err);

  CHECK (namespace_is_runtimes ("network", &err) < 0 && strstr (err->msg, "not recorded"));
  casing_error_release (&err);
  CHECK (namespaces_record_runtime (&err) == 0);
  CHECK (namespace_is_runtimes ("network", &err) == 1);
  CHECK (namespace_is_runtimes ("uts", &err) == 1);
  CHECK (namespace_is_runtimes ("mount", &err) < 0);
  casing_error_release (&err);

  /* new namespaces: nothing to compare */
  CHECK (sysctl_check_not_runtime_ns (c, "net.ipv4.ip_forward", &err) == 0);
  /* joined by a path naming our own, under any name */
  snprintf (self_path, sizeof self_path, "/proc/%d/ns/net", (int) getpid ());
  c->linux_->namespaces[0].path = self_path;
  CHECK (sysctl_check_not_runtime_ns (c, "net.ipv4.ip_forward", &err) < 0);
  CHECK (err && strstr (err->msg, "runtime's own network namespace") && strstr (err->msg, "net.ipv4.ip_forward"));
  casing_error_release (&err);
  CHECK (sysctl_check_not_runtime_ns (c, "kernel.shmmax", &err) == 0); /* ipc is new */
  c->linux_->namespaces[1].path = (char *) "/proc/self/ns/ipc";
  CHECK (sysctl_check_not_runtime_ns (c, "kernel.shmmax", &err) < 0);
  casing_error_release (&err);
  c->linux_->namespaces[2].path = (char *) "/proc/self/ns/uts";
  CHECK (sysctl_check_not_runtime_ns (c, "kernel.domainname", &err) < 0);
  casing_error_release (&err);
  free_config (c);
}

/* An attribute that does not fit fails and leaves the request whole. */
static void
test_netlink_attr_bounds (void)
{
  static char big[2048];
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  casing_error_t err = NULL;
  struct nl_req r;
  uint32_t len;

  nl_init (&r, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  CHECK (nl_add_attr (&r, IFLA_IFNAME, "ctr0", 5, &err) == 0);
  len = r.hdr.nlmsg_len;
  CHECK (nl_add_attr (&r, IFLA_IFNAME, big, sizeof big, &err) < 0);
  CHECK (err && err->status == EMSGSIZE && strstr (err->msg, "does not fit"));
  casing_error_release (&err);
  CHECK (r.hdr.nlmsg_len == len);
  CHECK (nl_add_attr (&r, IFLA_IFNAME, big, (size_t) -8, &err) < 0);
  casing_error_release (&err);
  CHECK (r.hdr.nlmsg_len == len);
  /* up to the last byte of the buffer is fine */
  CHECK (nl_add_attr (&r, IFLA_IFALIAS, big, sizeof r - NLMSG_ALIGN (len) - RTA_LENGTH (0), &err) == 0);
  CHECK (r.hdr.nlmsg_len == sizeof r);
  CHECK (nl_add_attr (&r, IFLA_IFALIAS, big, 0, &err) < 0);
  casing_error_release (&err);
}

/* linux.netDevices with a new name that does not fit a netlink request:
 * the move must fail and leave the link on the host, not send the request
 * without the name (the kernel would then move it under its host name).
 * Real kernel, root only: a veth pair on the host, a network namespace
 * held by a child. */
static void
test_netdevice_overlong_name (void)
{
  char host[IFNAMSIZ], peer[IFNAMSIZ], cmd[128], path[64], longname[2048];
  casing_error_t err = NULL;
  int ready[2], netns = -1, status;
  pid_t holder;
  char c;

  if (geteuid () != 0)
    SKIP_TEST ("needs root");
  snprintf (host, sizeof host, "cl%d", (int) getpid () % 100000);
  snprintf (peer, sizeof peer, "cq%d", (int) getpid () % 100000);
  snprintf (cmd, sizeof cmd, "ip link add %s type veth peer name %s", host, peer);
  if (system (cmd) != 0)
    {
      SKIP_TEST ("cannot make a veth pair");
    }
  CHECK (pipe (ready) == 0);
  holder = fork ();
  if (holder == 0)
    {
      if (unshare (CLONE_NEWNET) == 0)
        (void) write (ready[1], "x", 1);
      pause ();
      _exit (0);
    }
  CHECK (read (ready[0], &c, 1) == 1);
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int) holder);
  netns = open (path, O_RDONLY | O_CLOEXEC);
  CHECK (netns >= 0);

  memset (longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  CHECK (netdevice_move_one (netns, host, longname, &err) < 0);
  CHECK (err && strstr (err->msg, "too long"));
  casing_error_release (&err);
  CHECK (if_nametoindex (host) != 0); /* still on the host */
  longname[IFNAMSIZ] = '\0';         /* one byte more than fits */
  CHECK (netdevice_move_one (netns, host, longname, &err) < 0);
  CHECK (err && strstr (err->msg, "too long"));
  casing_error_release (&err);
  CHECK (if_nametoindex (host) != 0);

  snprintf (cmd, sizeof cmd, "ip link del %s 2>/dev/null", host);
  (void) system (cmd);
  kill (holder, SIGKILL);
  waitpid (holder, &status, 0);
  close (netns);
  close (ready[0]);
  close (ready[1]);
}

static void
test_namespaces (void)
{
  static const char *const all[] = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time" };
  static const char *const bad[] = { "pid", "bogus" };
  oci_config *c = config_with (all, 8);
  casing_error_t err = NULL;
  int flags = namespaces_clone_flags (c, &err);

  CHECK (flags == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWUSER));
  /* time: made by the parent before clone; cgroup: by the child after it
   * was moved into its cgroups. */
  CHECK ((flags & (CLONE_NEWTIME | CLONE_NEWCGROUP)) == 0);
  CHECK (config_has_namespace (c, "time") && config_has_namespace (c, "user"));
  c->linux_->namespaces[1].path = "/proc/1/ns/net";
  CHECK ((namespaces_clone_flags (c, &err) & CLONE_NEWNET) == 0);
  free_config (c);
  /* The parser refuses such a type; the conversion still does not guess. */
  c = config_with (bad, 2);
  CHECK (namespaces_clone_flags (c, &err) < 0 && strstr (err->msg, "bogus"));
  casing_error_release (&err);
  free_config (c);

  CHECK (namespace_lookup ("network")->flag == CLONE_NEWNET);
  CHECK_STR (namespace_lookup ("mount")->proc_name, "mnt");
  CHECK_STR (namespace_type_name (namespace_lookup ("time")), "time");
  CHECK (namespace_lookup ("nope") == NULL);
  /* Every type of the spec has its entry in the one table. */
  for (int i = 0; i < OCI_NS_COUNT; i++)
    CHECK_MSG (namespace_defs[i].flag != 0 && namespace_defs[i].proc_name != NULL, "namespace_defs[%s]",
               oci_namespace_types[i]);
}

static void
personality_child (void *arg)
{
  oci_personality p = { .domain = arg };
  oci_linux l = { .personality = &p };
  oci_config c = { .linux_ = &l };
  casing_error_t err = NULL;

  CHECK_OK (personality_apply (&c, &err), err);
  CHECK (personality (0xffffffff) == (strcmp (arg, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX));
}

static void
test_timens_personality_idmap (void)
{
  oci_time_offset mono = { .has_secs = true, .secs = -5, .has_nanosecs = true, .nanosecs = 10 };
  oci_time_offset boot = { .has_secs = true, .secs = 86400 };
  oci_time_offsets t = { .monotonic = &mono, .boottime = &boot };
  oci_id_mapping maps[] = { { 0, 100000, 65536 }, { 65536, 1000, 1 } };
  char *s = timens_format_offsets (&t);

  CHECK_STR (s, "monotonic -5 10\nboottime 86400 0\n");
  free (s);
  CHECK (timens_format_offsets (NULL) == NULL);
  CHECK_CHILD_OK (personality_child, "LINUX32");
  CHECK_CHILD_OK (personality_child, "LINUX");
  s = idmap_format (maps, 2);
  CHECK_STR (s, "0 100000 65536\n65536 1000 1\n");
  free (s);
}

int
main (void)
{
  UNIT_RUN (test_normalize ());
  UNIT_RUN (test_sysctl ());
  UNIT_RUN (test_sysctl_runtime_namespaces ());
  UNIT_RUN (test_namespaces ());
  UNIT_RUN (test_netlink_attr_bounds ());
  UNIT_RUN (test_netdevice_overlong_name ());
  UNIT_RUN (test_timens_personality_idmap ());
  return unit_done ("test_isolation_logic");
}
