/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces: which to create (clone flags) and which to join (setns on a
 * path, after checking the file really is a namespace of that type). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>

#include "isolation_internal.h"
#include "core/procfs.h"
#include "core/utils.h"

const struct namespace_def namespace_defs[OCI_NS_COUNT] = {
  [OCI_NS_MOUNT] = { CLONE_NEWNS, "mnt" },     [OCI_NS_PID] = { CLONE_NEWPID, "pid" },
  [OCI_NS_NETWORK] = { CLONE_NEWNET, "net" },  [OCI_NS_UTS] = { CLONE_NEWUTS, "uts" },
  [OCI_NS_IPC] = { CLONE_NEWIPC, "ipc" },      [OCI_NS_USER] = { CLONE_NEWUSER, "user" },
  [OCI_NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup" }, [OCI_NS_TIME] = { CLONE_NEWTIME, "time" },
};

const struct namespace_def *
namespace_lookup (const char *type)
{
  int i = oci_name_index (oci_namespace_types, type);
  return i < 0 ? NULL : &namespace_defs[i];
}

const char *
namespace_type_name (const struct namespace_def *d)
{
  return oci_namespace_types[d - namespace_defs];
}

const oci_namespace *
config_get_namespace (const oci_config *config, const char *type)
{
  if (config == NULL || config->linux_ == NULL)
    return NULL;
  for (size_t i = 0; i < config->linux_->namespaces_len; i++)
    if (strcmp (config->linux_->namespaces[i].type, type) == 0)
      return &config->linux_->namespaces[i];
  return NULL;
}

bool
config_has_namespace (const oci_config *config, const char *type)
{
  return config_get_namespace (config, type) != NULL;
}

static bool
user_ns_joined (const oci_config *config)
{
  const oci_namespace *u = config_get_namespace (config, "user");
  return u && u->path;
}

/* New namespaces the child unshares itself once in a joined user namespace. */
static int
flags_after_user_join (const oci_config *config)
{
  static const char *const types[] = { "mount", "network", "ipc", "uts" };
  int flags = 0;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    {
      const oci_namespace *ns = config_get_namespace (config, types[i]);
      if (ns && ns->path == NULL)
        flags |= namespace_lookup (types[i])->flag;
    }
  return flags;
}

int
namespaces_clone_flags (const oci_config *config, casing_error_t *err)
{
  int flags = 0;

  for (size_t i = 0; config->linux_ && i < config->linux_->namespaces_len; i++)
    {
      const oci_namespace *ns = &config->linux_->namespaces[i];
      const struct namespace_def *d = namespace_lookup (ns->type);
      if (d == NULL)
        return casing_error_set (err, EINVAL, "linux.namespaces[%zu].type: `%s` is not a namespace", i, ns->type);
      if (ns->path == NULL && d->flag != CLONE_NEWTIME && d->flag != CLONE_NEWCGROUP)
        flags |= d->flag;
    }
  /* Joining a user namespace by path: the new namespaces must belong to
   * it (the container's root must be able to mount, set its hostname...),
   * so the child creates them after joining it.  Not the pid namespace:
   * only the children of the unsharer would be in it. */
  if (user_ns_joined (config))
    flags &= ~(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS);
  return flags;
}

/* Open a namespace file and check its type.  NS_GET_NSTYPE (5.11) answers
 * directly; on older kernels setns() itself rejects a wrong type. */
int
namespace_open_checked (const char *path, const struct namespace_def *d, const char *where,
                        casing_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    return casing_error_errno (err, "%s: open namespace `%s`", where, path);
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0 && errno != ENOTTY && errno != EINVAL)
    return casing_error_errno (err, "%s: `%s`", where, path);
  if (type < 0 && errno == ENOTTY)
    return casing_error_set (err, EINVAL, "%s: `%s` is not a namespace file", where, path);
  if (type >= 0 && type != d->flag)
    return casing_error_set (err, EINVAL, "%s: `%s` is not a %s namespace", where, path, namespace_type_name (d));
  return steal_fd (&fd);
}

static int
join_one (const oci_config *config, size_t i, casing_error_t *err)
{
  const oci_namespace *ns = &config->linux_->namespaces[i];
  const struct namespace_def *d = namespace_lookup (ns->type);
  char where[64];
  cleanup_close int fd = -1;

  snprintf (where, sizeof where, "linux.namespaces[%zu].path", i);
  if (d == NULL)
    return casing_error_set (err, EINVAL, "linux.namespaces[%zu].type: `%s` is not a namespace", i, ns->type);
  fd = namespace_open_checked (ns->path, d, where, err);
  if (fd < 0)
    return -1;
  if (setns (fd, d->flag) < 0)
    return casing_error_errno (err, "%s: join %s namespace `%s`", where, ns->type, ns->path);
  return 0;
}

/* The user namespace first: the others may be owned by it and joining them
 * needs its capabilities.  Except time: setns() on a time namespace moves
 * the caller itself (not only its children, unlike pid), so it is joined
 * here rather than in the parent, while we still have the runtime's
 * privileges.  pid was joined by the parent.  A new cgroup namespace is created last,
 * here: its root is the cgroup we are in when it is made, and only now has
 * the parent moved us into the container's cgroups (on a v1 or hybrid host
 * CLONE_INTO_CGROUP cannot do that at clone time). */
int
namespaces_join_paths (const oci_config *config, casing_error_t *err)
{
  static const char *const order[] = { "time", "user", "ipc", "uts", "network", "cgroup", "mount" };
  const oci_namespace *user, *cg;

  if (config->linux_ == NULL)
    return 0;
  user = config_get_namespace (config, "user");
  for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
    for (size_t i = 0; i < config->linux_->namespaces_len; i++)
      {
        const oci_namespace *ns = &config->linux_->namespaces[i];
        if (ns->path == NULL || strcmp (ns->type, order[o]) != 0)
          continue;
        /* Joining our own user namespace again is EINVAL: skip a path that
         * names the namespace we are already in. */
        if (ns == user && namespace_is_current (ns->path, "user"))
          continue;
        if (join_one (config, i, err) < 0)
          return -1;
      }
  if (user_ns_joined (config) && unshare (flags_after_user_join (config)) < 0)
    return casing_error_errno (err, "create namespaces in the joined user namespace");
  cg = config_get_namespace (config, "cgroup");
  if (cg && cg->path == NULL && unshare (CLONE_NEWCGROUP) < 0)
    return casing_error_errno (err, "create the cgroup namespace");
  return 0;
}

bool
namespace_is_current (const char *path, const char *nsname)
{
  struct stat a, b;
  char self[64];
  snprintf (self, sizeof self, "/proc/self/ns/%s", nsname);
  return stat (path, &a) == 0 && stat (self, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool
namespace_identity_equal (const struct ns_identity *a, const struct ns_identity *b)
{
  return a->dev == b->dev && a->ino == b->ino;
}

/* `fd` must be open on nsfs: a regular file (or anything a path could be
 * swapped for) has an inode number too, but it names no namespace. */
static int
identity_of_fd (int fd, const char *what, struct ns_identity *out, casing_error_t *err)
{
  struct statfs sfs;
  struct stat st;

  if (fstatfs (fd, &sfs) < 0 || fstat (fd, &st) < 0)
    return casing_error_errno (err, "stat namespace `%s`", what);
  if (sfs.f_type != NSFS_MAGIC)
    return casing_error_set (err, EINVAL, "`%s` is not a namespace file", what);
  *out = (struct ns_identity){ .dev = st.st_dev, .ino = st.st_ino };
  return 0;
}

int
namespace_identity_of_path (const char *path, struct ns_identity *out, casing_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return casing_error_errno (err, "open namespace `%s`", path);
  return identity_of_fd (fd, path, out, err);
}

/* The ns directory comes from the verified procfs; only its last step, the
 * magic link to the namespace, is followed. */
int
namespace_identity_current (const char *proc_name, struct ns_identity *out, casing_error_t *err)
{
  cleanup_close int dirfd = procfs_open_verified ("thread-self/ns", O_PATH | O_DIRECTORY, err);
  cleanup_close int fd = -1;
  char what[64];

  if (dirfd < 0)
    return -1;
  snprintf (what, sizeof what, "/proc/thread-self/ns/%s", proc_name);
  fd = openat (dirfd, proc_name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s`", what);
  return identity_of_fd (fd, what, out, err);
}

/* The runtime's own namespaces, recorded by the parent before clone; the
 * child inherits this copy, so after joining namespaces by path it can
 * still tell whether it ended up in the runtime's (the host's). */
static const char *const runtime_ns_types[] = { "network", "ipc", "uts" };
static struct ns_identity runtime_ns[sizeof runtime_ns_types / sizeof runtime_ns_types[0]];
static bool runtime_ns_recorded;

int
namespaces_record_runtime (casing_error_t *err)
{
  for (size_t i = 0; i < sizeof runtime_ns_types / sizeof runtime_ns_types[0]; i++)
    if (namespace_identity_current (namespace_lookup (runtime_ns_types[i])->proc_name, &runtime_ns[i], err)
        < 0)
      return casing_error_prefix (err, "record the runtime's %s namespace", runtime_ns_types[i]);
  runtime_ns_recorded = true;
  return 0;
}

int
namespace_is_runtimes (const char *type, casing_error_t *err)
{
  struct ns_identity now;

  for (size_t i = 0; i < sizeof runtime_ns_types / sizeof runtime_ns_types[0]; i++)
    {
      if (strcmp (type, runtime_ns_types[i]) != 0)
        continue;
      /* Fail closed: without the record nothing can be told apart. */
      if (! runtime_ns_recorded)
        return casing_error_set (err, EINVAL, "the runtime's %s namespace was not recorded before clone",
                                 type);
      if (namespace_identity_current (namespace_lookup (type)->proc_name, &now, err) < 0)
        return -1;
      return namespace_identity_equal (&now, &runtime_ns[i]) ? 1 : 0;
    }
  return casing_error_set (err, EINVAL, "no record of the runtime's `%s` namespace", type);
}

/* A pid namespace applies to the children of the process that enters it,
 * and time offsets can only be written before any process is in the new
 * time namespace (unshare moves only the children there): so both are done
 * here, in the parent, before clone.  A time namespace given by path is
 * joined by the child (see namespaces_join_paths). */
int
namespaces_prepare_parent (const oci_config *config, int *pid_ns_fd, casing_error_t *err)
{
  static const char *const types[] = { "pid", "time" };

  if (namespaces_record_runtime (err) < 0)
    return -1;
  for (size_t t = 0; t < 2; t++)
    {
      const oci_namespace *ns = config_get_namespace (config, types[t]);
      const struct namespace_def *d = namespace_lookup (types[t]);
      cleanup_close int fd = -1;
      char where[64];

      if (ns == NULL)
        continue;
      if (ns->path == NULL)
        {
          if (d->flag == CLONE_NEWTIME && timens_create (config, err) < 0)
            return -1;
          continue;
        }
      if (d->flag == CLONE_NEWTIME)
        continue;
      snprintf (where, sizeof where, "linux.namespaces[%zu].path",
                (size_t) (ns - config->linux_->namespaces));
      fd = namespace_open_checked (ns->path, d, where, err);
      if (fd < 0)
        return -1;
      if (d->flag == CLONE_NEWPID && pid_ns_fd)
        {
          *pid_ns_fd = steal_fd (&fd);
          continue;
        }
      if (setns (fd, d->flag) < 0)
        return casing_error_errno (err, "%s: join %s namespace `%s`", where, ns->type, ns->path);
    }
  return 0;
}
