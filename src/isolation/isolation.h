/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Isolation: namespaces, id mappings, the root filesystem, mounts, /dev,
 * masked/readonly paths, sysctl, hostname, personality.
 *
 * The container setup (src/container/) calls these in this order:
 *
 *   parent, before clone:  namespaces_prepare_parent()     (pid ns path,
 *                                                           new time ns + offsets,
 *                                                           record of the runtime's
 *                                                           net/ipc/uts namespaces)
 *                          rootfs_prepare_parent()         (idmapped mounts; the fds
 *                                                           are inherited by the child)
 *   clone3 (flags = namespaces_clone_flags())
 *   parent, after clone:   userns_write_mappings(child)    (no-op unless a new user ns)
 *                          netdevices_move(child)
 *                          rootfs_context_release()        (closes the parent's copies)
 *   child:                 namespaces_join_paths()         (setns, type-checked: time
 *                                                           and user first; then the
 *                                                           new ns a joined user ns
 *                                                           must own; then cgroup ns)
 *                          uts_apply()                     (hostname, domainname)
 *                          sysctl_apply()
 *                          rootfs_prepare()                (all mounts, under the new root)
 *                          -- createContainer hooks run here --
 *                          rootfs_pivot()                  (pivot_root or move+chroot;
 *                                                           chroot only without a
 *                                                           mount namespace)
 *                          -- console: rootfs_bind_console(ctx, pty slave fd) --
 *                          rootfs_finalize()               (masked/readonly paths,
 *                                                           propagation, readonly root)
 *                          personality_apply()
 */
#ifndef CASING_ISOLATION_H
#define CASING_ISOLATION_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/error.h"
#include "ocispec.h"

/* <sched.h> of glibc before 2.36 lacks it. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The one namespace table: what each type of the spec (oci_namespace_types)
 * is to Linux, indexed by enum oci_namespace_type.  Creating, joining,
 * the validation, `exec` and `casing features` all read it. */
struct namespace_def
{
  int flag;              /* CLONE_NEWNET */
  const char *proc_name; /* /proc/PID/ns/<proc_name>: "net" */
};
extern const struct namespace_def namespace_defs[OCI_NS_COUNT];
/* The definition of a type ("network"), or NULL for a name the spec does
 * not have (the parser refuses those). */
const struct namespace_def *namespace_lookup (const char *type);
/* Its name in the spec. */
const char *namespace_type_name (const struct namespace_def *d);

struct rootfs_context
{
  const oci_config *config;
  const char *rootfs;   /* absolute path of root.path on the host */
  const char *bundle;   /* absolute bundle directory */
  bool no_pivot;        /* --no-pivot: move-mount + chroot */
  bool has_userns;      /* the container has a (new or joined) user namespace, or casing
                           runs in one that is not the host's (rootless Podman) */
  bool has_netns;
  bool has_cgroupns;
  bool has_terminal;    /* process.terminal: /dev/console will be bound later */
  int rootfs_fd;        /* O_PATH fd of the new root once prepared, -1 before */
  int pid_ns_fd;        /* a pid namespace joined by path, whose /proc we
                         * mount without being in it (proc_mount.c), or -1 */
  /* Filled by rootfs_prepare_parent() (parent, before clone; the child
   * inherits them): detached idmapped bind mounts, indexed like
   * config->mounts, -1 where none.  NULL when not prepared. */
  int *premounted_fds;
  size_t premounted_fds_len;
  /* Internal (child): detached clones of the host's /dev/null made before
   * the pivot, one per masked path, used up by rootfs_finalize(). */
  int *null_trees;
  size_t null_trees_len;
};

/* CLONE_NEW* flags for namespaces to create (no `path`), excluding time
 * (created by namespaces_prepare_parent, which affects children only) and
 * cgroup (created by namespaces_join_paths in the child, once the parent has
 * put it in its cgroups, so the namespace is rooted at the container's). */
int namespaces_clone_flags (const oci_config *config, casing_error_t *err);
bool config_has_namespace (const oci_config *config, const char *type);
/* Also records the runtime's own network, ipc and uts namespaces
 * (namespaces_record_runtime) for the child's checks.  With pid_ns_fd, a
 * pid namespace joined by path is not entered: its verified fd is returned
 * there (else it stays -1), for a process of ours to enter later
 * (src/container/container_child.c). */
int namespaces_prepare_parent (const oci_config *config, int *pid_ns_fd, casing_error_t *err);
/* Parent, before clone: remember which network, ipc and uts namespaces are
 * the runtime's own (called by namespaces_prepare_parent). */
int namespaces_record_runtime (casing_error_t *err);
/* After joining: 1 when the caller is in the runtime's own namespace of
 * `type` ("network", "ipc", "uts"), compared by identity with the record;
 * 0 when not; -1 when unknown (nothing recorded: callers refuse). */
int namespace_is_runtimes (const char *type, casing_error_t *err);
int namespaces_join_paths (const oci_config *config, casing_error_t *err);
int userns_write_mappings (pid_t pid, const oci_config *config, casing_error_t *err);
int netdevices_move (pid_t pid, const oci_config *config, casing_error_t *err);
int uts_apply (const oci_config *config, casing_error_t *err);
/* Child, after namespaces_join_paths: refuses every key whose namespace
 * is the runtime's own (namespace_is_runtimes), then writes them all. */
int sysctl_apply (const oci_config *config, casing_error_t *err);
/* The path of a linux.sysctl key below /proc ("sys/net/ipv4/ip_forward"):
 * dots become slashes unless the key is written with slashes. */
char *sysctl_proc_path (const char *key);
/* Whether linux.sysctl key `key` may be set with this config's namespaces
 * (pure: for `casing check`).  0 or -1 with a message naming the key. */
int sysctl_check_allowed (const oci_config *config, const char *key, casing_error_t *err);
/* For the validation (`casing check`, create): -1 when the namespace `key`
 * belongs to is joined by a path that leads to the caller's (the
 * runtime's) own namespace, compared by identity.  The child repeats the
 * check on the namespace it is really in (sysctl_apply). */
int sysctl_check_not_runtime_ns (const oci_config *config, const char *key, casing_error_t *err);
/* 1 when linux.namespaces has `type` ("uts"...) joined by a path that
 * leads to the caller's own namespace (by identity), 0 when not, -1 when
 * the path cannot be checked. */
int namespace_joined_is_runtimes (const oci_config *config, const char *type, casing_error_t *err);
/* What `path` (a path in the container) names in the root filesystem at
 * `rootfs` as it is now, symlinks resolved inside it: 1 and *st when it
 * exists, 0 when it does not, -1 when that cannot be told.  For the
 * validation, whose answer about paths in the container is only a hint:
 * mounts and createContainer hooks change the root. */
int rootfs_stat_path (const char *rootfs, const char *path, struct stat *st);
/* A new user namespace whose gid map the runtime may write only after
 * denying setgroups (it lacks CAP_SETGID): additionalGids cannot be set. */
bool userns_denies_setgroups (const oci_config *config);
/* Who writes a map of a new user namespace (userns.c). */
enum userns_writer
{
  USERNS_WRITE_DIRECT,  /* we hold CAP_SETUID / CAP_SETGID here */
  USERNS_WRITE_OWN_ID,  /* unprivileged, mapping only our own id */
  USERNS_WRITE_HELPER,  /* unprivileged, more: newuidmap / newgidmap */
};
enum userns_writer userns_map_writer (const oci_id_mapping *m, size_t n, bool gid);
/* 1 when the helper (newgidmap if gid, else newuidmap) is in $PATH. */
bool userns_helper_available (bool gid);
/* Absolute host path of root.path (relative to the bundle), checked to be a
 * directory. */
int rootfs_resolve_path (const oci_config *config, const char *bundle, char **out, casing_error_t *err);
/* Parent, before clone: idmapped mounts must be created with the host's
 * privileges (the child in its user namespace may not).  Optional when the
 * container has no user namespace.  rootfs_context_release() closes them
 * (call it in the parent after clone, and on error). */
int rootfs_prepare_parent (struct rootfs_context *ctx, casing_error_t *err);
void rootfs_context_release (struct rootfs_context *ctx);
int rootfs_prepare (struct rootfs_context *ctx, casing_error_t *err);
int rootfs_pivot (struct rootfs_context *ctx, casing_error_t *err);
/* After rootfs_pivot, when process.terminal: bind the pty slave (an open
 * fd of /dev/pts/N) over /dev/console. */
int rootfs_bind_console (struct rootfs_context *ctx, int slave_fd, casing_error_t *err);
int rootfs_finalize (struct rootfs_context *ctx, casing_error_t *err);
/* A container without a mount namespace of its own has its mounts in the
 * runtime's namespace, below `rootfs` (rootfs_resolve_path), where they
 * outlive it: detach them once it is gone (delete, or a failed create
 * after rootfs_prepare).  No-op with a mount namespace. */
int rootfs_release_host_mounts (const oci_config *config, const char *rootfs, casing_error_t *err);
int personality_apply (const oci_config *config, casing_error_t *err);
/* `restore`: the mountpoints of the bind mounts made in the rootfs (on
 * the host, resolved inside it), where CRIU binds the volumes again. */
int rootfs_make_bind_mountpoints (const oci_config *config, const char *rootfs, const char *bundle,
                                  casing_error_t *err);

/* What the mount code makes of mounts[].options (mount_options.c); the
 * validation reads it too. */

struct mount_options
{
  unsigned long ms_flags;       /* MS_* for mount(2) (ro, nosuid, sync, ...) */
  uint64_t attr_set;            /* MOUNT_ATTR_* on the mount itself */
  uint64_t attr_clr;
  uint64_t rec_attr_set;        /* MOUNT_ATTR_* applied with AT_RECURSIVE (rro, rnosuid...) */
  uint64_t rec_attr_clr;
  uint64_t propagation;         /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE or 0 */
  bool propagation_recursive;   /* rshared, rslave... */
  bool bind;
  bool rbind;
  bool remount;
  bool idmap;
  bool ridmap;
  bool tmpcopyup;
  bool atime_set;               /* an atime option was given (attr carries MOUNT_ATTR__ATIME) */
  bool rec_atime_set;
  char *data;                   /* unknown options, comma-separated; NULL when none */
};

/* Parse `options` into *out.  Never fails on unknown options (they become
 * filesystem data); fails only on contradictions the kernel cannot express. */
int mount_options_parse (char *const *options, size_t n, struct mount_options *out, casing_error_t *err);
void mount_options_release (struct mount_options *o);
/* A bind mount: `bind`/`rbind` in the options or type "bind". */
bool mount_is_bind (const oci_mount *m, const struct mount_options *o);
/* The host path of mounts[].source: relative to the bundle directory. */
char *mount_source_path (const char *bundle, const char *source);

/* Every mount option string implemented (features.md `mountOptions`),
 * sorted, NULL-terminated. */
const char *const *mount_options_known (void);

#endif
