/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The entries of `mounts`, one at a time.  Every destination is resolved
 * inside the rootfs first and the mount is done on that file descriptor
 * (move_mount, or mount(2) on its /proc/self/fd link), so a symlink swapped
 * in by the image between the check and the mount cannot redirect it to the
 * host (CVE-2021-30465). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation_internal.h"
#include "confine/lsm.h"
#include "core/log.h"
#include "core/utils.h"

bool
mount_is_bind (const oci_mount *m, const struct mount_options *o)
{
  return o->bind || (m->type && strcmp (m->type, "bind") == 0);
}

int
mount_attach (int mount_fd, int target_fd, const char *what, casing_error_t *err)
{
  if (move_mount (mount_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return casing_error_errno (err, "attach the mount of %s", what);
  return 0;
}

int
mount_set_attrs (int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                 const char *what, casing_error_t *err)
{
  struct mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };

  if (set == 0 && clr == 0 && propagation == 0)
    return 0;
  if (mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return casing_error_errno (err, "set the mount attributes of %s", what);
  return 0;
}

/* open_tree(OPEN_TREE_CLONE) copies the propagation of what it clones: a
 * copy of a shared mount joins its peer group.  Cloned in the host's mount
 * namespace (idmapped mounts are made there, and every mount of a
 * container without a mount namespace), where a systemd host has "/"
 * rshared, the copy would be a peer of the host's mount: whatever the
 * config or the container then mounted below it would appear on the host
 * too.  So every copy leaves its peer group at once, as `propagation`
 * (MS_PRIVATE, or MS_SLAVE: it still receives, never sends) says; the
 * mount's own propagation option is applied once it is attached. */
int
mount_clone_tree (int dirfd, const char *path, bool recursive, uint64_t propagation, const char *what,
                  casing_error_t *err)
{
  cleanup_close int tree = open_tree (dirfd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                                                     | (path[0] ? 0 : AT_EMPTY_PATH)
                                                     | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return path[0] ? casing_error_errno (err, "%s: bind `%s`", what, path)
                   : casing_error_errno (err, "bind %s", what);
  if (mount_set_attrs (tree, recursive, 0, 0, propagation, what, err) < 0)
    return -1;
  return steal_fd (&tree);
}

int
mount_bind_fd (int source_fd, int target_fd, bool recursive, uint64_t attr_set, const char *what,
               casing_error_t *err)
{
  cleanup_close int tree = mount_clone_tree (source_fd, "", recursive, MS_SLAVE, what, err);
  if (tree < 0)
    return -1;
  if (mount_set_attrs (tree, recursive, attr_set, 0, 0, what, err) < 0)
    return -1;
  return mount_attach (tree, target_fd, what, err);
}

int
mount_fs_on_fd (const char *source, const char *type, unsigned long flags, const char *data,
                int target_fd, const char *what, casing_error_t *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d", target_fd);
  if (mount (source, path, type, flags, data) < 0)
    return casing_error_errno (err, "mount `%s` (type `%s`) on %s", source ? source : "none",
                               type ? type : "none", what);
  return 0;
}

static int
statx_of (int dirfd, const char *name, struct statx *stx)
{
  return statx (dirfd, name, AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH), STATX_MNT_ID | STATX_INO,
                stx);
}

static bool
same_file (const struct statx *a, const struct statx *b)
{
  return a->stx_mnt_id == b->stx_mnt_id && a->stx_dev_major == b->stx_dev_major
         && a->stx_dev_minor == b->stx_dev_minor && a->stx_ino == b->stx_ino;
}

/* `fd`, the destination found again by path, must be what mounting on
 * `target` (the fd resolved before) gave: the same mount (a remount), or a
 * new mount root sitting where `target` is.  A destination in a volume
 * other containers share can be renamed in between (x and y exchanged):
 * the lookup then finds one of their plain directories, which we would
 * fill (tmpcopyup, cgroup layout) as root. */
static int
check_reopened (int fd, int target, enum mount_reopen expect, const char *path, casing_error_t *err)
{
  struct statx top, under, top_up, under_up;
  bool ok;

  if (statx_of (fd, "", &top) < 0 || statx_of (target, "", &under) < 0)
    return casing_error_errno (err, "statx `%s`", path);
  if (expect == MOUNT_REOPEN_SAME)
    ok = same_file (&top, &under);
  else
    {
      if (statx_of (fd, "..", &top_up) < 0 || statx_of (target, "..", &under_up) < 0)
        return casing_error_errno (err, "statx `%s/..`", path);
      ok = top.stx_mnt_id != under.stx_mnt_id && same_file (&top_up, &under_up);
      if (top.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
        ok = ok && (top.stx_attributes & STATX_ATTR_MOUNT_ROOT);
    }
  if (! ok)
    return casing_error_set (err, EXDEV, "`%s` was moved or replaced while being mounted on (a volume "
                             "another container shares?): refusing to use it", path);
  return 0;
}

int
mount_reopen_target (struct rootfs_context *ctx, const char *path, int target, enum mount_reopen expect,
                     casing_error_t *err)
{
  cleanup_free char *norm = path_normalize (path);
  cleanup_close int found = -1;
  int fd;

  if (! path_is_root (norm))
    {
      found = path_open_in_root (ctx->rootfs_fd, norm, PATH_NO_CREATE, err);
      if (found < 0 || check_reopened (found, target, expect, norm, err) < 0)
        return -1;
      return steal_fd (&found);
    }
  /* Something was mounted over the root itself: the old fd still points
   * below it, a fresh lookup sees the new mount.  (The rootfs path is the
   * runtime's own, not in the container: nothing to race.) */
  fd = open (ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return casing_error_errno (err, "open `%s`", ctx->rootfs);
  close (ctx->rootfs_fd);
  ctx->rootfs_fd = fd;
  return fcntl (fd, F_DUPFD_CLOEXEC, 3);
}

char *
mount_source_path (const char *bundle, const char *source)
{
  char *p;
  if (source == NULL)
    return NULL;
  if (source[0] == '/' || bundle == NULL)
    return xstrdup (source);
  xasprintf (&p, "%s/%s", bundle, source);
  return p;
}

/* A bind's destination takes the source's type: a file is bound on a file. */
static enum path_create
bind_target_kind (const char *src)
{
  struct stat st;
  if (src && stat (src, &st) == 0 && ! S_ISDIR (st.st_mode))
    return PATH_CREATE_FILE;
  return PATH_CREATE_DIR;
}

/* The mapping of an idmapped mount: its own, else the container's. */
static int
idmap_tree (const struct rootfs_context *ctx, const oci_mount *m, int tree, bool recursive,
            const char *what, casing_error_t *err)
{
  const oci_linux *l = ctx->config->linux_;
  cleanup_close int userns = -1;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };

  if (m->uid_mappings_len || m->gid_mappings_len)
    userns = idmap_userns_fd (m->uid_mappings, m->uid_mappings_len, m->gid_mappings,
                              m->gid_mappings_len, err);
  else if (l && (l->uid_mappings_len || l->gid_mappings_len) && config_has_namespace (ctx->config, "user"))
    userns = idmap_userns_fd (l->uid_mappings, l->uid_mappings_len, l->gid_mappings,
                              l->gid_mappings_len, err);
  else
    return casing_error_set (err, EINVAL, "%s: `idmap` needs uidMappings/gidMappings on the mount "
                             "or a user namespace", what);
  if (userns < 0)
    return -1;
  attr.userns_fd = userns;
  if (mount_setattr (tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return casing_error_errno (err, "%s: make an idmapped mount", what);
  return 0;
}

/* A detached copy of the bind source with every attribute applied,
 * ready to be attached.  Called in the parent for idmapped mounts (the
 * child, inside its user namespace, may not create them). */
int
mounts_open_bind_tree (const struct rootfs_context *ctx, size_t i, casing_error_t *err)
{
  const oci_mount *m = &ctx->config->mounts[i];
  struct mount_options o;
  cleanup_free char *src = mount_source_path (ctx->bundle, m->source);
  cleanup_close int tree = -1;
  char what[64];

  snprintf (what, sizeof what, "mounts[%zu]", i);
  if (src == NULL)
    return casing_error_set (err, EINVAL, "%s.source: required for a bind mount", what);
  if (mount_options_parse (m->options, m->options_len, &o, err) < 0)
    return casing_error_prefix (err, "%s.options", what);
  mount_options_release (&o);
  /* The copy gets what the container's own mounts got from the rootfs
   * isolation, wherever it is made (rootfs.c). */
  tree = mount_clone_tree (AT_FDCWD, src, o.rbind, rootfs_isolation_propagation (ctx->config), what, err);
  if (tree < 0)
    return -1;
  if ((o.idmap || m->uid_mappings_len || m->gid_mappings_len)
      && idmap_tree (ctx, m, tree, o.ridmap, what, err) < 0)
    return -1;
  if (mount_set_attrs (tree, false, o.attr_set, o.attr_clr, 0, what, err) < 0
      || mount_set_attrs (tree, true, o.rec_attr_set, o.rec_attr_clr, 0, what, err) < 0)
    return -1;
  return steal_fd (&tree);
}

static int
do_bind (struct rootfs_context *ctx, size_t i, const struct mount_options *o, int target_fd,
         const char *what, casing_error_t *err)
{
  cleanup_close int tree = -1;

  if (ctx->premounted_fds && i < ctx->premounted_fds_len && ctx->premounted_fds[i] >= 0)
    tree = steal_fd (&ctx->premounted_fds[i]);
  else
    tree = mounts_open_bind_tree (ctx, i, err);
  if (tree < 0)
    return -1;
  if (o->ms_flags & (MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME | MS_I_VERSION))
    log_debug ("%s: superblock options do not apply to a bind mount", what);
  if (mount_attach (tree, target_fd, what, err) < 0)
    return -1;
  return mount_set_attrs (tree, o->propagation_recursive, 0, 0, o->propagation, what, err);
}

/* mountLabel becomes a context= option where SELinux is on. */
static char *
data_with_label (const struct rootfs_context *ctx, const char *type, const char *data)
{
  const char *label = ctx->config->linux_ ? ctx->config->linux_->mount_label : NULL;

  return selinux_mount_data_with_label (type, data, selinux_effective_mount_label (label));
}

static int
label_after_mount (struct rootfs_context *ctx, const char *type, const char *dest, int target,
                   enum mount_reopen expect, const char *what, casing_error_t *err)
{
  const char *label = selinux_effective_mount_label (ctx->config->linux_ ? ctx->config->linux_->mount_label : NULL);
  if (label == NULL || ! selinux_label_after_mount (type))
    return 0;
  cleanup_close int fd = mount_reopen_target (ctx, dest, target, expect, err);
  if (fd < 0)
    return casing_error_prefix (err, "%s", what);
  return selinux_label_mount_root (fd, label, what, err);
}

/* In a user namespace the kernel refuses a new sysfs without a network
 * namespace of its own (and proc without a pid namespace, mqueue without
 * ipc): bind the host's instead, as crun does. */
static const char *
userns_fallback_source (const char *type)
{
  if (strcmp (type, "sysfs") == 0)
    return "/sys";
  if (strcmp (type, "proc") == 0)
    return "/proc";
  if (strcmp (type, "mqueue") == 0)
    return "/dev/mqueue";
  return NULL;
}

/* 1 on success: the mount is the host's, not a new one. */
static int
bind_host_instead (const struct rootfs_context *ctx, const char *host, const struct mount_options *o,
                   int target_fd, const char *what, casing_error_t *err)
{
  uint64_t isolation = rootfs_isolation_propagation (ctx->config);
  cleanup_close int tree = mount_clone_tree (AT_FDCWD, host, true, isolation, what, err);
  if (tree < 0)
    return -1;
  if (mount_set_attrs (tree, true, mount_options_ms_to_attr (o->ms_flags), 0, 0, what, err) < 0)
    return -1;
  return mount_attach (tree, target_fd, what, err) < 0 ? -1 : 1;
}

/* `data` without its "gid=N" option (a copy). */
static char *
data_without_gid (const char *data)
{
  cleanup_free char *copy = xstrdup (data);
  char *out = xmalloc0 (strlen (data) + 1);
  char *save = NULL;

  for (char *opt = strtok_r (copy, ",", &save); opt; opt = strtok_r (NULL, ",", &save))
    if (strncmp (opt, "gid=", 4) != 0)
      {
        if (*out)
          strcat (out, ",");
        strcat (out, opt);
      }
  return out;
}

/* devpts refuses a gid= that its user namespace does not map (the tty
 * group of a rootless user's `casing spec`): crun and runc then mount it
 * without, and so do we. */
static int
devpts_without_gid (const struct rootfs_context *ctx, const oci_mount *m, const char *data, unsigned long flags,
                    int target_fd, const char *what, casing_error_t *err)
{
  cleanup_free char *fewer = NULL;

  if (strcmp (m->type, "devpts") != 0 || !ctx->has_userns || data == NULL || err == NULL || *err == NULL
      || (*err)->status != EINVAL || (strncmp (data, "gid=", 4) != 0 && strstr (data, ",gid=") == NULL))
    return -1;
  log_debug ("%s: %s; mounting it without gid=", what, (*err)->msg);
  casing_error_release (err);
  fewer = data_without_gid (data);
  return mount_fs_on_fd (m->source ? m->source : m->type, m->type, flags, fewer, target_fd, what, err);
}

static int
do_fs_mount (struct rootfs_context *ctx, const oci_mount *m, const struct mount_options *o,
             int target_fd, const char *what, casing_error_t *err)
{
  cleanup_free char *data = data_with_label (ctx, m->type, o->data);
  const char *host = userns_fallback_source (m->type);
  unsigned long flags = o->ms_flags;

  if (o->remount)
    return mount_fs_on_fd (NULL, NULL, MS_REMOUNT | flags | (mount_is_bind (m, o) ? MS_BIND : 0), data,
                           target_fd, what, err);
  if (host && ctx->has_userns && strcmp (m->type, "sysfs") == 0 && ! ctx->has_netns)
    return bind_host_instead (ctx, host, o, target_fd, what, err);
  if (ctx->pid_ns_fd >= 0 && strcmp (m->type, "proc") == 0)
    return proc_mount_for_pidns (ctx->pid_ns_fd, data, flags, target_fd, what, err);
  if (mount_fs_on_fd (m->source ? m->source : m->type, m->type, flags, data, target_fd, what, err) == 0
      || devpts_without_gid (ctx, m, data, flags, target_fd, what, err) == 0)
    return 0;
  /* Never the host's /proc for a container with its own pid namespace: it
   * would show every host process. */
  if (host && strcmp (m->type, "proc") == 0 && config_has_namespace (ctx->config, "pid"))
    host = NULL;
  if (host && ctx->has_userns && err && *err && (*err)->status == EPERM)
    {
      log_debug ("%s: %s; binding the host's `%s` instead", what, (*err)->msg, host);
      return bind_host_instead (ctx, host, o, target_fd, what, err);
    }
  if (strcmp (m->type, "proc") == 0 && ctx->has_userns && err && *err && (*err)->status == EPERM)
    return casing_error_prefix (err, "%s: the pid namespace must belong to the container's user "
                                "namespace (with a user namespace joined by path, join the pid "
                                "namespace by path too)", what);
  return -1;
}

/* After the mount: recursive attributes, propagation, tmpcopyup. */
static int
after_fs_mount (struct rootfs_context *ctx, const char *dest, int target, const struct mount_options *o,
                int lower_dirfd, unsigned int keep, const char *what, casing_error_t *err)
{
  cleanup_close int fd = -1;

  if (o->rec_attr_set == 0 && o->rec_attr_clr == 0 && o->propagation == 0 && ! o->tmpcopyup)
    return 0;
  fd = mount_reopen_target (ctx, dest, target, o->remount ? MOUNT_REOPEN_SAME : MOUNT_REOPEN_NEW, err);
  if (fd < 0)
    return casing_error_prefix (err, "%s", what);
  if (mount_set_attrs (fd, true, o->rec_attr_set, o->rec_attr_clr, 0, what, err) < 0
      || mount_set_attrs (fd, o->propagation_recursive, 0, 0, o->propagation, what, err) < 0)
    return -1;
  if (o->tmpcopyup && lower_dirfd >= 0)
    {
      cleanup_close int dst = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dst < 0)
        return casing_error_errno (err, "%s: open the new mount", what);
      if (tmpcopyup_copy (lower_dirfd, dst, keep, err) < 0)
        return casing_error_prefix (err, "%s: tmpcopyup", what);
    }
  return 0;
}

/* tmpcopyup: what the root of the tmpfs takes from the directory it
 * covers.  Nothing from a directory we made ourselves (the tmpfs keeps its
 * own defaults, 1777 root:root), and never what the options set: Podman
 * passes `--tmpfs /x:mode=1777` as mode=1777 plus tmpcopyup. */
static unsigned int
tmpcopyup_keep (const struct rootfs_context *ctx, const char *dest, const struct mount_options *o)
{
  cleanup_close int before = path_open_in_root (ctx->rootfs_fd, dest, PATH_NO_CREATE, NULL);
  unsigned int keep = 0;

  if (before < 0)
    return 0;
  if (! mount_data_has_key (o->data, "mode"))
    keep |= TMPCOPYUP_KEEP_MODE;
  if (! mount_data_has_key (o->data, "uid"))
    keep |= TMPCOPYUP_KEEP_UID;
  if (! mount_data_has_key (o->data, "gid"))
    keep |= TMPCOPYUP_KEEP_GID;
  return keep;
}

static bool
is_cgroup_type (const char *type)
{
  return type && (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0);
}

static int
mount_entry (struct rootfs_context *ctx, const oci_mount *m, size_t i, struct mount_options *o,
             const char *dest, const char *what, casing_error_t *err)
{
  cleanup_free char *src = mount_source_path (ctx->bundle, m->source);
  cleanup_close int target = -1;
  cleanup_close int lower = -1;
  bool bind = mount_is_bind (m, o);
  enum path_create kind = bind ? bind_target_kind (src) : PATH_CREATE_DIR;
  unsigned int keep = o->tmpcopyup && ! o->remount ? tmpcopyup_keep (ctx, dest, o) : 0;

  target = path_open_in_root (ctx->rootfs_fd, dest, o->remount ? PATH_NO_CREATE : kind, err);
  if (target < 0)
    return casing_error_prefix (err, "%s.destination", what);
  if (bind && ! o->remount)
    return do_bind (ctx, i, o, target, what, err);
  if (bind)
    {
      /* Remounting a bind mount changes the flags of the mount on top of
       * the destination: reopen it so the fd is that mount. */
      cleanup_close int top = mount_reopen_target (ctx, dest, target, MOUNT_REOPEN_SAME, err);
      if (top < 0)
        return -1;
      return do_fs_mount (ctx, m, o, top, what, err) < 0 ? -1 : 0;
    }
  if (is_cgroup_type (m->type) && ! o->remount)
    return mount_cgroup (ctx, m, o, target, dest, err);
  if (o->tmpcopyup)
    {
      lower = openat (target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (lower < 0)
        return casing_error_errno (err, "%s: open `%s` for tmpcopyup", what, dest);
    }
  int r = do_fs_mount (ctx, m, o, target, what, err);
  /* Never relabel the host's own mqueue, bound in its place. */
  if (r < 0
      || (r == 0
          && label_after_mount (ctx, m->type, dest, target, o->remount ? MOUNT_REOPEN_SAME : MOUNT_REOPEN_NEW,
                                what, err) < 0))
    return -1;
  return after_fs_mount (ctx, dest, target, o, lower, keep, what, err);
}

int
mounts_do_one (struct rootfs_context *ctx, size_t i, casing_error_t *err)
{
  const oci_mount *m = &ctx->config->mounts[i];
  struct mount_options o;
  cleanup_free char *dest = NULL;
  char what[64];
  int ret;

  snprintf (what, sizeof what, "mounts[%zu]", i);
  if (mount_options_parse (m->options, m->options_len, &o, err) < 0)
    return casing_error_prefix (err, "%s.options", what);
  dest = path_normalize (m->destination);
  ret = mount_entry (ctx, m, i, &o, dest, what, err);
  /* A mount over "/" (an overlay rootfs built from `mounts`): what follows
   * goes on top of it, so the root fd must now point at it. */
  if (ret == 0 && path_is_root (dest) && ! o.remount)
    {
      int fd = mount_reopen_target (ctx, dest, -1, MOUNT_REOPEN_NEW, err);
      if (fd < 0)
        ret = -1;
      else
        close (fd);
    }
  mount_options_release (&o);
  return ret;
}
