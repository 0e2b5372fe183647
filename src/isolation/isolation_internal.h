/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Declarations shared by the files of src/isolation/ and their unit tests.
 * Nothing outside src/isolation/ (and tests/unit) includes this. */
#ifndef CASING_ISOLATION_INTERNAL_H
#define CASING_ISOLATION_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "isolation.h"
#include "ocispec.h"

/* glibc 2.36 wraps the new mount API (open_tree, move_mount, mount_setattr,
 * fsopen...) in <sys/mount.h>; openat2 and pivot_root are in ../syscalls.h. */
#include <sys/mount.h>

/* ---- namespaces.c ---- */
const oci_namespace *config_get_namespace (const oci_config *config, const char *type);
int namespace_open_checked (const char *path, const struct namespace_def *d, const char *where,
                            casing_error_t *err);
bool namespace_is_current (const char *path, const char *proc_name);

/* What makes a namespace itself, whatever path names it: the nsfs inode. */
struct ns_identity
{
  dev_t dev;
  ino_t ino;
};
/* Identity of the namespace a file leads to (/proc/PID/ns/X, a bind mount
 * of one): fails unless it is a namespace file. */
int namespace_identity_of_path (const char *path, struct ns_identity *out, casing_error_t *err);
/* Identity of the caller's own namespace `proc_name` ("net"), read through
 * the verified procfs (never a /proc the container config may have shaped). */
int namespace_identity_current (const char *proc_name, struct ns_identity *out, casing_error_t *err);
bool namespace_identity_equal (const struct ns_identity *a, const struct ns_identity *b);

/* ---- timens.c ---- */
/* "monotonic 5 0\nboottime 7 0\n" for /proc/self/timens_offsets; NULL if none. */
char *timens_format_offsets (const oci_time_offsets *t);
int timens_create (const oci_config *config, casing_error_t *err);


/* ---- mount_options.c (struct mount_options and its parser: isolation.h) ---- */
/* MOUNT_ATTR_* equivalents of the per-mount MS_* flags of a mount(2) call. */
uint64_t mount_options_ms_to_attr (unsigned long ms_flags);
/* Whether the filesystem data (comma-separated) sets `key` ("mode" for
 * "mode=1777"). */
bool mount_data_has_key (const char *data, const char *key);
int mount_propagation_parse (const char *name, uint64_t *flags, bool *recursive);

/* ---- path_resolve.c: paths inside the rootfs ---- */

/* Lexically clean an absolute (or root-relative) container path: "/a//b/./c/../d"
 * -> "/a/b/d".  ".." never climbs above "/".  Always returns a new string. */
char *path_normalize (const char *path);
bool path_is_root (const char *normalized);

enum path_create
{
  PATH_NO_CREATE = 0,
  PATH_CREATE_DIR,
  PATH_CREATE_FILE,
};

/* O_PATH fd of `path` resolved with `root_fd` as "/": symlinks (absolute or
 * with "..") never leave it.  With `create`, missing components are created
 * as directories and the last one as `create` says (mode 0755 / 0644), even
 * behind a dangling symlink (created where the symlink points, inside root). */
int path_open_in_root (int root_fd, const char *path, enum path_create create, casing_error_t *err);
/* chmod the very inode `fd` (O_PATH allowed) names, never a path that a
 * racing rename could have changed; -1 with errno on failure. */
int fd_chmod (int fd, mode_t mode);
/* A new open file description (flags: O_RDONLY...) of the inode an O_PATH
 * fd names, through its magic link: no lookup by name. */
int fd_reopen (int fd, int flags);
/* Tests force the fallback walk: CASING_TEST_NO_OPENAT2=1 or this. */
void path_resolve_force_fallback (bool force);
bool path_resolve_uses_openat2 (void);

/* ---- mounts.c ---- */

/* Mount config->mounts[i] under ctx->rootfs_fd. */
int mounts_do_one (struct rootfs_context *ctx, size_t i, casing_error_t *err);
/* Attach a detached mount fd on `target_fd` (move_mount). */
int mount_attach (int mount_fd, int target_fd, const char *what, casing_error_t *err);
/* A new proc of the pid namespace pidns_fd attached on target_fd
 * (proc_mount.c): for a container joining a pid namespace. */
int proc_mount_for_pidns (int pidns_fd, const char *data, unsigned long ms_flags, int target_fd, const char *what,
                          casing_error_t *err);
int mount_set_attrs (int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                     const char *what, casing_error_t *err);
/* A detached copy of the mount tree at dirfd/path ("" for dirfd itself),
 * taken out of the source's peer group: `propagation` is MS_PRIVATE or
 * MS_SLAVE.  Every bind of the runtime is made from one. */
int mount_clone_tree (int dirfd, const char *path, bool recursive, uint64_t propagation, const char *what,
                      casing_error_t *err);
/* What isolating the rootfs from the host gives the container's mounts
 * (rootfs.c): MS_SLAVE for a "shared" or "slave" rootfsPropagation, else
 * MS_PRIVATE. */
uint64_t rootfs_isolation_propagation (const oci_config *c);
/* Bind `source_fd` (any fd) onto `target_fd`, optionally read-only (the
 * copy is a slave: nothing mounted below it propagates back). */
int mount_bind_fd (int source_fd, int target_fd, bool recursive, uint64_t attr_set,
                   const char *what, casing_error_t *err);
/* Mount a filesystem with mount(2) on the O_PATH fd's /proc/self/fd link,
 * so the kernel mounts on exactly the file we resolved. */
int mount_fs_on_fd (const char *source, const char *type, unsigned long flags, const char *data,
                    int target_fd, const char *what, casing_error_t *err);
/* Reopen `path` after something was mounted on `target` (its fd from
 * before), so the fd sees the mount; fails unless the fd found is that
 * new mount (MOUNT_REOPEN_NEW) or, after a remount, `target`'s own mount
 * (MOUNT_REOPEN_SAME).  For "/" (target unused) the root fd is renewed. */
enum mount_reopen
{
  MOUNT_REOPEN_NEW,
  MOUNT_REOPEN_SAME,
};
int mount_reopen_target (struct rootfs_context *ctx, const char *path, int target, enum mount_reopen expect,
                         casing_error_t *err);
/* A detached, fully configured (idmap, attributes) copy of a bind source. */
int mounts_open_bind_tree (const struct rootfs_context *ctx, size_t i, casing_error_t *err);

/* ---- mounts_cgroup.c ---- */
int mount_cgroup (struct rootfs_context *ctx, const oci_mount *m, const struct mount_options *o,
                  int target_fd, const char *dest, casing_error_t *err);

/* ---- idmap.c: throw-away user namespaces for idmapped mounts ---- */
int idmap_userns_fd (const oci_id_mapping *uids, size_t nuids, const oci_id_mapping *gids,
                     size_t ngids, casing_error_t *err);
char *idmap_format (const oci_id_mapping *m, size_t n);

/* ---- userns_helper.c: newuidmap / newgidmap ---- */
/* The helper's path found in $PATH, or NULL. */
char *userns_helper_find (bool gid);
/* Run it on `pid` with these ranges; its complaint goes in the error. */
int userns_helper_write (pid_t pid, bool gid, const oci_id_mapping *m, size_t n, casing_error_t *err);

/* ---- devices.c ---- */
int devices_setup_dev (struct rootfs_context *ctx, bool defaults, casing_error_t *err);
int devices_create_config (struct rootfs_context *ctx, casing_error_t *err);

/* ---- masked_paths.c ---- */
/* Before the pivot: clones of the host's /dev/null (checked to be 1:3) for
 * masking files, so a container /dev without a real null device cannot
 * leave a path unmasked. */
int masked_paths_prepare (struct rootfs_context *ctx, casing_error_t *err);
int masked_paths_apply (struct rootfs_context *ctx, casing_error_t *err);
int readonly_paths_apply (const oci_config *config, casing_error_t *err);

/* ---- tmpcopyup.c ---- */
/* Copy the tree under `src_dirfd` into `dst_dirfd` (owners, modes, links). */
/* What the root of the new tmpfs takes from the image directory: its mode,
 * owner and group, unless the mount's own options set them. */
enum
{
  TMPCOPYUP_KEEP_MODE = 1,
  TMPCOPYUP_KEEP_UID = 2,
  TMPCOPYUP_KEEP_GID = 4,
};
int tmpcopyup_copy (int src_dirfd, int dst_dirfd, unsigned int keep, casing_error_t *err);

/* ---- netlink.c ---- */
int netdevice_move_one (int netns_fd, const char *host_name, const char *new_name, casing_error_t *err);

#endif
