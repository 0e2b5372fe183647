/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `linux`: namespaces and their paths, id mappings, hostname,
 * time offsets, devices, sysctl, and features this build or host lacks. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation/isolation.h"
#include "core/utils.h"
#include "validate_checks.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct
{
  const char *type;
  int flag;
  const char *proc_name; /* /proc/self/ns/<name> */
} ns_types[] = {
  { "mount", CLONE_NEWNS, "mnt" },      { "pid", CLONE_NEWPID, "pid" },
  { "network", CLONE_NEWNET, "net" },   { "uts", CLONE_NEWUTS, "uts" },
  { "ipc", CLONE_NEWIPC, "ipc" },       { "user", CLONE_NEWUSER, "user" },
  { "cgroup", CLONE_NEWCGROUP, "cgroup" }, { "time", CLONE_NEWTIME, "time" },
};

static int
ns_index (const char *type)
{
  for (size_t i = 0; i < sizeof ns_types / sizeof ns_types[0]; i++)
    if (strcmp (ns_types[i].type, type) == 0)
      return (int) i;
  return -1;
}

static void
check_ns_path (const oci_namespace *ns, int idx, const char *path, struct problem_list *out)
{
  cleanup_close int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    {
      problems_add (out, PROBLEM_ERROR, path, "a namespace file such as /proc/PID/ns/net",
                    "`%s`: %s", ns->path, strerror (errno));
      return;
    }
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    problems_add (out, PROBLEM_ERROR, path, "a namespace file such as /proc/PID/ns/net",
                  "`%s` is not a namespace", ns->path);
  else if (type != ns_types[idx].flag)
    problems_add (out, PROBLEM_ERROR, path, NULL, "`%s` is not a %s namespace", ns->path, ns->type);
}

static void
check_namespaces (const oci_linux *l, struct problem_list *out)
{
  bool seen[8] = { false };

  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      char path[64], proc[64];
      int idx = ns_index (ns->type);

      snprintf (path, sizeof path, "linux.namespaces[%zu]", i);
      if (idx < 0)
        continue; /* the parser rejects unknown types */
      if (seen[idx])
        problems_add (out, PROBLEM_ERROR, path, NULL, "namespace \"%s\" listed twice", ns->type);
      seen[idx] = true;
      snprintf (proc, sizeof proc, "/proc/self/ns/%s", ns_types[idx].proc_name);
      if (access (proc, F_OK) < 0)
        problems_add (out, PROBLEM_ERROR, path, "the running kernel lacks it",
                      "%s namespaces are not supported on this host", ns->type);
      if (ns->path && *ns->path)
        {
          snprintf (path, sizeof path, "linux.namespaces[%zu].path", i);
          check_ns_path (ns, idx, path, out);
        }
    }
}

static const oci_namespace *
find_ns (const oci_linux *l, const char *type)
{
  for (size_t i = 0; l && i < l->namespaces_len; i++)
    if (strcmp (l->namespaces[i].type, type) == 0)
      return &l->namespaces[i];
  return NULL;
}

static void
check_user_mappings (const oci_linux *l, struct problem_list *out)
{
  const oci_namespace *user = find_ns (l, "user");
  bool new_userns = user && (user->path == NULL || *user->path == '\0');

  if (new_userns && geteuid () == 0 && (l->uid_mappings_len == 0 || l->gid_mappings_len == 0))
    problems_add (out, PROBLEM_ERROR, l->uid_mappings_len ? "linux.gidMappings" : "linux.uidMappings",
                  "e.g. [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
                  "a new user namespace needs uid and gid mappings");
  if (user == NULL && (l->uid_mappings_len || l->gid_mappings_len))
    problems_add (out, PROBLEM_ERROR, l->uid_mappings_len ? "linux.uidMappings" : "linux.gidMappings",
                  "add {\"type\": \"user\"} to linux.namespaces",
                  "mappings given without a user namespace");
}

static void
check_uts_and_time (const oci_config *c, struct problem_list *out)
{
  const oci_linux *l = c->linux_;

  if (c->hostname && *c->hostname && find_ns (l, "uts") == NULL)
    problems_add (out, PROBLEM_ERROR, "hostname", "add {\"type\": \"uts\"} to linux.namespaces",
                  "setting the hostname needs a uts namespace");
  if (c->domainname && *c->domainname && find_ns (l, "uts") == NULL)
    problems_add (out, PROBLEM_ERROR, "domainname", "add {\"type\": \"uts\"} to linux.namespaces",
                  "setting the domainname needs a uts namespace");
  if ((c->hostname || c->domainname) && namespace_joined_is_runtimes (c, "uts", NULL) == 1)
    problems_add (out, PROBLEM_ERROR, c->hostname ? "hostname" : "domainname",
                  "join another uts namespace, or leave hostname and domainname out",
                  "the uts namespace path is the runtime's own (the host's): the host would be renamed");
  if (l && l->time_offsets && (find_ns (l, "time") == NULL || find_ns (l, "time")->path))
    problems_add (out, PROBLEM_ERROR, "linux.timeOffsets", "add {\"type\": \"time\"} to linux.namespaces",
                  "time offsets need a new time namespace");
}

static void
check_devices (const oci_linux *l, struct problem_list *out)
{
  for (size_t i = 0; i < l->devices_len; i++)
    {
      const oci_device *d = &l->devices[i];
      char path[64];
      snprintf (path, sizeof path, "linux.devices[%zu]", i);
      if (d->path[0] != '/')
        problems_add (out, PROBLEM_ERROR, path, NULL, "path \"%s\" is not absolute", d->path);
      if (strcmp (d->type, "p") != 0 && (!d->has_major || !d->has_minor))
        problems_add (out, PROBLEM_ERROR, path, NULL,
                      "major and minor are required for a device of type \"%s\"", d->type);
    }
  for (size_t i = 0; i < l->net_devices_len; i++)
    {
      char path[128];
      snprintf (path, sizeof path, "linux.netDevices.%s", l->net_devices[i].key);
      if (if_nametoindex (l->net_devices[i].key) == 0)
        problems_add (out, PROBLEM_ERROR, path, NULL, "no network interface \"%s\" on the host",
                      l->net_devices[i].key);
    }
  if (l->net_devices_len && find_ns (l, "network") == NULL)
    problems_add (out, PROBLEM_ERROR, "linux.netDevices", NULL,
                  "moving network devices needs a network namespace");
}

static void
check_sysctl (const oci_config *c, struct problem_list *out)
{
  const oci_map *s = c->linux_->sysctl;

  for (size_t i = 0; s && i < s->len; i++)
    {
      cleanup_casing_error casing_error_t err = NULL;
      char path[256];
      snprintf (path, sizeof path, "linux.sysctl[\"%s\"]", s->items[i].key);
      if (sysctl_check_allowed (c, s->items[i].key, &err) < 0)
        problems_add (out, PROBLEM_ERROR, path,
                      "only keys namespaced for the container's namespaces can be set",
                      "%s", err ? err->msg : "not allowed");
      else if (sysctl_check_not_runtime_ns (c, s->items[i].key, &err) < 0)
        problems_add (out, PROBLEM_ERROR, path,
                      "join a namespace of the container's own, or leave the sysctl out",
                      "%s", err ? err->msg : "not allowed");
    }
}

void
validate_linux (const oci_config *c, struct problem_list *out)
{
  const oci_linux *l = c->linux_;

  check_uts_and_time (c, out);
  if (l == NULL)
    return;
  check_namespaces (l, out);
  check_user_mappings (l, out);
  check_devices (l, out);
  check_sysctl (c, out);
  if (l->seccomp)
    validate_seccomp (l->seccomp, out);
  if (l->intel_rdt)
    problems_add (out, PROBLEM_ERROR, "linux.intelRdt", "`casing features` shows intelRdt disabled",
                  "Intel RDT is not supported by casing");
}
