/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `linux`: namespaces and their paths, hostname, time offsets,
 * devices, sysctl, personality, memory policy, and features this build or
 * host lacks.  The namespace table is isolation's (namespace_defs). */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "confine/names.h"
#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate_checks.h"

/* sethostname(2), setdomainname(2): HOST_NAME_MAX. */
#define UTS_NAME_MAX 64
/* KTIME_SEC_MAX / 2: a clock of a time namespace must stay in [0, this]. */
#define TIMENS_SEC_MAX (9223372036LL / 2)

static void
check_ns_path (const oci_namespace *ns, const struct namespace_def *d, const char *path, struct problem_list *out)
{
  cleanup_close int fd = -1;
  int type;

  if (ns->path[0] != '/')
    {
      problems_add (out, PROBLEM_ERROR, path, "e.g. /proc/PID/ns/net", "\"%s\" is not absolute", ns->path);
      return;
    }
  fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      problems_add (out, PROBLEM_ERROR, path, "a namespace file such as /proc/PID/ns/net", "`%s` %s", ns->path,
                    errno == ENOENT ? "does not exist" : "cannot be opened");
      return;
    }
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    problems_add (out, PROBLEM_ERROR, path, "a namespace file such as /proc/PID/ns/net",
                  "`%s` is not a namespace", ns->path);
  else if (type != d->flag)
    problems_add (out, PROBLEM_ERROR, path, NULL, "`%s` is not a %s namespace", ns->path, ns->type);
}

static void
check_namespaces (const oci_linux *l, struct problem_list *out)
{
  bool seen[OCI_NS_COUNT] = { false };

  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      int idx = oci_name_index (oci_namespace_types, ns->type);
      char path[64], proc[64];

      snprintf (path, sizeof path, "linux.namespaces[%zu]", i);
      if (idx < 0)
        continue; /* the parser rejects unknown types */
      if (seen[idx])
        problems_add (out, PROBLEM_ERROR, path, NULL, "namespace \"%s\" listed twice", ns->type);
      seen[idx] = true;
      snprintf (proc, sizeof proc, "/proc/self/ns/%s", namespace_defs[idx].proc_name);
      if (access (proc, F_OK) < 0)
        problems_add (out, PROBLEM_ERROR, path, "the running kernel lacks it",
                      "%s namespaces are not supported on this host", ns->type);
      if (ns->path && *ns->path)
        {
          snprintf (path, sizeof path, "linux.namespaces[%zu].path", i);
          check_ns_path (ns, &namespace_defs[idx], path, out);
        }
    }
  /* The runtime's mount namespace belongs to the runtime's user namespace. */
  if (seen[OCI_NS_USER] && !seen[OCI_NS_MOUNT])
    problems_add (out, PROBLEM_ERROR, "linux.namespaces", "add {\"type\": \"mount\"}",
                  "a `user` namespace needs a `mount` namespace of its own to mount the root filesystem");
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

  /* The init becomes root of a new user namespace: it needs its maps. */
  if (new_userns && (l->uid_mappings_len == 0 || l->gid_mappings_len == 0))
    problems_add (out, PROBLEM_ERROR, l->uid_mappings_len ? "linux.gidMappings" : "linux.uidMappings",
                  "e.g. [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
                  "a new user namespace needs uid and gid mappings");
  if (user == NULL && (l->uid_mappings_len || l->gid_mappings_len))
    problems_add (out, PROBLEM_ERROR, l->uid_mappings_len ? "linux.uidMappings" : "linux.gidMappings",
                  "add {\"type\": \"user\"} to linux.namespaces",
                  "mappings given without a user namespace");
}

static void
check_uts_name (const char *name, const char *field, const oci_linux *l, struct problem_list *out)
{
  if (name == NULL)
    return;
  if (*name && find_ns (l, "uts") == NULL)
    problems_add (out, PROBLEM_ERROR, field, "add {\"type\": \"uts\"} to linux.namespaces",
                  "setting the %s needs a uts namespace", field);
  if (strlen (name) > UTS_NAME_MAX)
    problems_add (out, PROBLEM_ERROR, field, NULL, "%zu bytes: the kernel takes at most %d", strlen (name),
                  UTS_NAME_MAX);
}

/* time_namespaces(7): each clock, moved by its offset, must stay between 0
 * and KTIME_SEC_MAX / 2 seconds. */
static void
check_offset (const oci_time_offset *o, clockid_t clock, const char *field, struct problem_list *out)
{
  struct timespec now;

  if (o == NULL)
    return;
  if (o->has_nanosecs && o->nanosecs >= 1000000000U)
    problems_add (out, PROBLEM_ERROR, field, NULL, "nanosecs %u is not below 1000000000", o->nanosecs);
  else if (o->has_secs && clock_gettime (clock, &now) == 0
           && (o->secs < -(int64_t) now.tv_sec || o->secs > TIMENS_SEC_MAX - (int64_t) now.tv_sec))
    problems_add (out, PROBLEM_ERROR, field, NULL, "secs %lld would move the clock (now %lld s) out of range",
                  (long long) o->secs, (long long) now.tv_sec);
}

static void
check_uts_and_time (const oci_config *c, struct problem_list *out)
{
  const oci_linux *l = c->linux_;
  const oci_namespace *time_ns = find_ns (l, "time");

  check_uts_name (c->hostname, "hostname", l, out);
  check_uts_name (c->domainname, "domainname", l, out);
  if ((c->hostname || c->domainname) && namespace_joined_is_runtimes (c, "uts", NULL) == 1)
    problems_add (out, PROBLEM_ERROR, c->hostname ? "hostname" : "domainname",
                  "join another uts namespace, or leave hostname and domainname out",
                  "the uts namespace path is the runtime's own (the host's): the host would be renamed");
  if (l == NULL || l->time_offsets == NULL)
    return;
  if (time_ns == NULL || time_ns->path)
    problems_add (out, PROBLEM_ERROR, "linux.timeOffsets", "add {\"type\": \"time\"} to linux.namespaces",
                  "time offsets need a new time namespace");
  check_offset (l->time_offsets->monotonic, CLOCK_MONOTONIC, "linux.timeOffsets.monotonic", out);
  check_offset (l->time_offsets->boottime, CLOCK_BOOTTIME, "linux.timeOffsets.boottime", out);
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
      if (strcmp (d->type, "p") == 0)
        continue;
      if (!d->has_major || !d->has_minor)
        problems_add (out, PROBLEM_ERROR, path, NULL, "major and minor are required for a device of type \"%s\"",
                      d->type);
      else if (d->major < 0 || d->major > 0xfff || d->minor < 0 || d->minor > 0xfffff)
        problems_add (out, PROBLEM_ERROR, path, "major up to 4095, minor up to 1048575", "%lld:%lld is no device number",
                      (long long) d->major, (long long) d->minor);
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
      cleanup_free char *sub = sysctl_proc_path (s->items[i].key);
      char path[256], proc[4200];

      snprintf (path, sizeof path, "linux.sysctl[\"%s\"]", s->items[i].key);
      if (sysctl_check_allowed (c, s->items[i].key, &err) < 0)
        problems_add (out, PROBLEM_ERROR, path, "only keys namespaced for the container's namespaces can be set",
                      "%s", err ? err->msg : "not allowed");
      else if (sysctl_check_not_runtime_ns (c, s->items[i].key, &err) < 0)
        problems_add (out, PROBLEM_ERROR, path, "join a namespace of the container's own, or leave the sysctl out",
                      "%s", err ? err->msg : "not allowed");
      else if (snprintf (proc, sizeof proc, "/proc/%s", sub) > 0 && access (proc, F_OK) < 0)
        problems_undecided (out, path, "the host has no `%s`; the container's namespaces may", proc);
    }
}

/* set_mempolicy(2): which modes take nodes, and the list itself; what the
 * kernel says of the nodes of this host, validate_probe.c asks. */
static void
check_memory_policy (const oci_memory_policy *p, struct problem_list *out)
{
  int idx = oci_name_index (oci_mempolicy_modes, p->mode);
  const struct mempolicy_mode_def *mode = mempolicy_mode_def (idx);
  cleanup_casing_error casing_error_t err = NULL;
  cleanup_free unsigned long *mask = NULL;
  bool has_nodes = !id_list_empty (p->nodes), fixed = false, relative = false;
  size_t nbits;

  for (size_t i = 0; i < p->flags_len; i++)
    {
      int f = oci_name_index (oci_mempolicy_flags, p->flags[i]);
      fixed |= f == OCI_MPOL_F_STATIC_NODES;
      relative |= f == OCI_MPOL_F_RELATIVE_NODES;
    }
  if (mode && mode->nodes == MEMPOLICY_NODES_NONE && has_nodes)
    problems_add (out, PROBLEM_ERROR, "linux.memoryPolicy.nodes", "leave it out", "%s takes no nodes", p->mode);
  else if (mode && mode->nodes == MEMPOLICY_NODES_REQUIRED && !has_nodes)
    problems_add (out, PROBLEM_ERROR, "linux.memoryPolicy.nodes", "e.g. \"0\"", "%s needs at least one node",
                  p->mode);
  else if (has_nodes && id_list_parse ("linux.memoryPolicy.nodes", p->nodes, &mask, &nbits, &err) < 0)
    problems_add_error (out, "linux.memoryPolicy.nodes", "a list such as \"0-3,7\"", err);
  if (fixed && relative)
    problems_add (out, PROBLEM_ERROR, "linux.memoryPolicy.flags", NULL,
                  "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
  else if ((fixed || relative) && (idx == OCI_MPOL_LOCAL || (idx == OCI_MPOL_PREFERRED && !has_nodes)))
    problems_add (out, PROBLEM_ERROR, "linux.memoryPolicy.flags", NULL, "%s with no nodes takes no node flag",
                  p->mode);
}

void
validate_linux (const oci_config *c, struct problem_list *out)
{
  const oci_linux *l = c->linux_;

  check_uts_and_time (c, out);
  validate_id_mappings (c, out);
  if (l == NULL)
    return;
  check_namespaces (l, out);
  check_user_mappings (l, out);
  check_devices (l, out);
  check_sysctl (c, out);
  if (l->personality && l->personality->flags_len > 0)
    problems_add (out, PROBLEM_ERROR, "linux.personality.flags[0]", "leave the flags out",
                  "flag \"%s\" is not supported: the spec defines none", l->personality->flags[0]);
  if (l->memory_policy)
    check_memory_policy (l->memory_policy, out);
  if (l->intel_rdt)
    problems_add (out, PROBLEM_ERROR, "linux.intelRdt", "`casing features` shows intelRdt disabled",
                  "Intel RDT is not supported by casing");
}
