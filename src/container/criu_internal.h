/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the criu_*.c files: finding criu, the image and work
 * directories, and what CRIU needs to know of a container (its external
 * mounts, namespaces, cgroups, stdio). */
#ifndef CASING_CRIU_INTERNAL_H
#define CASING_CRIU_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/error.h"
#include "criu.h"
#include "criu_rpc.h"
#include "ocispec.h"

/* The keys of external namespaces in the images (the names runc uses, so
 * images of either runtime restore with the other). */
#define CRIU_EXT_NET_KEY "extRootNetNS"
#define CRIU_EXT_PID_KEY "extRootPidNS"
/* What the images directory holds besides CRIU's own files. */
#define CRIU_DESCRIPTORS_FILE "descriptors.json"
#define CRIU_DUMP_LOG "dump.log"
#define CRIU_RESTORE_LOG "restore.log"

/* criu_find.c */
/* The criu binary: `explicit_path` (--criu) or the first `criu` in $PATH,
 * /usr/local/sbin, /usr/sbin, /sbin.  ENOENT with a message saying how to
 * get it when there is none. */
int criu_find (const char *explicit_path, char **out, casing_error_t *err);
/* Refuse what CRIU (as root) cannot do for casing. */
int criu_check_supported (const oci_config *config, bool rootless, const char *what, casing_error_t *err);
/* soft|full|strict|ignore -> enum criu_cg_mode; NULL -> -1 (criu's default). */
int criu_cg_mode_parse (const char *mode, int *out, casing_error_t *err);
/* The options both directions pass the same way. */
void criu_opts_common (struct criu_opts *o, const struct criu_common_options *c, int cg_mode);
/* The org.criu.config annotation (a criu configuration file), else
 * /etc/criu/casing.conf when it exists, else NULL. */
const char *criu_config_file (const oci_config *config);

/* criu_mountinfo.c */
struct minfo
{
  unsigned major, minor;
  char *root;     /* path in the filesystem (field 4) */
  char *target;   /* mountpoint (field 5), in the reader's root */
  char *fstype;
  bool ro;
};

struct mlist
{
  struct minfo *v;
  size_t n;
};

/* Parse the procfs file `procpath` ("PID/mountinfo", "self/mountinfo"). */
int criu_mountinfo_of (const char *procpath, struct mlist *l, casing_error_t *err);
void criu_mountinfo_free (struct mlist *l);

/* criu_images.c */
struct criu_dirs
{
  int images;  /* O_DIRECTORY fds */
  int work;
  char *work_path;
};
/* Open the images directory (made 0700 when `create`, as it holds the
 * memory of the container's processes) and the work directory (made when
 * missing; the images directory when NULL). */
int criu_dirs_open (const char *image_path, const char *work_path, bool create, struct criu_dirs *d,
                    casing_error_t *err);
void criu_dirs_close (struct criu_dirs *d);
/* A failed criu request: its message, errno, and the first error lines of
 * its log, with where the whole log is. */
int criu_failure (const struct criu_dirs *d, const char *log_name, const struct criu_resp *r,
                  const char *what, casing_error_t *err);

/* criu_stdio.c: the container process's stdin, stdout and stderr.  At dump
 * they are recorded (descriptors.json): a pipe, or a file outside the
 * container's mounts (dumped as an external file), is reconnected at
 * restore to the restoring casing's own fd of the same number. */
int criu_stdio_dump (pid_t pid, int images_fd, struct criu_opts *o, casing_error_t *err);
int criu_stdio_restore (int images_fd, struct criu_opts *o, casing_error_t *err);

/* criu_mounts.c: the mounts CRIU cannot dump by itself (bind mounts,
 * masked files, device nodes bound from the host), as external mounts
 * keyed by their destination.  At restore the key maps to the source. */
int criu_mounts_dump (const oci_config *config, pid_t pid, struct criu_opts *o, casing_error_t *err);
int criu_mounts_restore (const oci_config *config, const char *bundle, struct criu_opts *o,
                         casing_error_t *err);

/* criu_ns.c: namespaces joined by path.  network and pid are external
 * (their identity is in the images, the namespace itself is not); at
 * restore their fds are passed (*fds, -1 terminated, to keep open until
 * criu is done) and ipc, uts, time are joined. */
int criu_ns_dump (const oci_config *config, pid_t pid, struct criu_opts *o, casing_error_t *err);
int criu_ns_restore (const oci_config *config, struct criu_opts *o, int **fds, size_t *n_fds,
                     casing_error_t *err);

/* criu_cgroup.c */
/* The freezer cgroup of `pid` (v1) or its cgroup2 directory, for
 * freeze_cgroup; NULL when none is found (criu then uses ptrace). */
char *criu_freezer_path (pid_t pid);
/* cg_root of every hierarchy `pid` is in: where CRIU puts the restored
 * tasks' cgroups. */
int criu_cg_roots (pid_t pid, struct criu_opts *o, casing_error_t *err);

/* criu_verify.c, criu_verify_images.c: the restored processes must be
 * confined as the config asks whatever the images say.  Before criu runs,
 * the credentials in the images (capabilities, and with no_new_privs and
 * no CAP_SETUID/CAP_SETGID the ids; seccomp when the config loads a
 * filter).  At post-restore (tasks still stopped), the namespaces (never
 * the runtime's own for a new one, the very ones joined by path) and the
 * cgroups (`cgroups`: /proc/PID/cgroup of criu, placed in the
 * container's).  Once restored, the credentials again as the kernel shows
 * them, and the LSM label (`lsm_override`: --lsm-profile TYPE:NAME). */
int criu_verify_images (const oci_config *config, int images_fd, casing_error_t *err);
int criu_verify_placement (const oci_config *config, const char *cgroups, pid_t criu, pid_t root_task,
                           casing_error_t *err);
int criu_verify_creds (const oci_config *config, const char *lsm_override, pid_t root_task, casing_error_t *err);
/* criu_verify_mounts.c: at post-restore, every mount the restored task
 * sees is a filesystem made for the container (proc, sysfs, tmpfs,
 * devpts, mqueue; cgroup read-only) or a part of a host filesystem the
 * runtime would bind there itself (the rootfs, the config's sources,
 * /dev/null and devices, the container's cgroup directories). */
struct criu_mount_check
{
  const oci_config *config;
  const char *rootfs;
  const char *bundle;
  char **cgroup_dirs; /* NULL-terminated host paths */
};
int criu_verify_mounts (const struct criu_mount_check *c, pid_t root_task, casing_error_t *err);
/* The host directories of the cgroups in a /proc/PID/cgroup text
 * (NULL-terminated, malloc'd strings). */
char **criu_cgroup_dirs (const char *proc_cgroup);
/* no_new_privs and seccomp as `create` would apply them. */
int criu_confinement (const oci_config *config, bool *nnp, bool *seccomp, casing_error_t *err);
/* /proc/PID/cgroup of `pid` (malloc'd), for criu_verify_placement. */
char *criu_proc_cgroup (pid_t pid, casing_error_t *err);

#endif
