/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CRIU's RPC: the requests casing sends to `criu swrk` and the answers it
 * reads back (criu 3.x images/rpc.proto, /usr/include/criu/rpc.proto on
 * Debian), and the swrk process itself. */
#ifndef CASING_CRIU_RPC_H
#define CASING_CRIU_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

enum criu_req_type
{
  CRIU_REQ_DUMP = 1,
  CRIU_REQ_RESTORE = 2,
  CRIU_REQ_CHECK = 3,
  CRIU_REQ_PRE_DUMP = 4,
  CRIU_REQ_NOTIFY = 6,
  CRIU_REQ_FEATURE_CHECK = 9,
  CRIU_REQ_VERSION = 10,
};

/* criu_cg_mode: how CRIU handles the cgroups of the tasks. */
enum criu_cg_mode
{
  CRIU_CG_IGNORE = 0,
  CRIU_CG_NONE = 1,
  CRIU_CG_PROPS = 2,
  CRIU_CG_SOFT = 3,
  CRIU_CG_FULL = 4,
  CRIU_CG_STRICT = 5,
  CRIU_CG_DEFAULT = 6,
};

struct criu_pair
{
  char *a, *b; /* fields 1 and 2 of the message; NULL leaves one out */
};

struct criu_inherit
{
  char *key;
  int fd; /* the fd number in criu, which inherits ours as they are */
};

/* criu_opts: only what casing sets.  Fds are numbers in the criu process,
 * which inherits them unchanged from us (criu_swrk_start). */
struct criu_opts
{
  int images_dir_fd;
  int work_dir_fd;         /* -1: the images directory */
  pid_t pid;               /* dump: the root task; 0: unset */
  int log_level;
  const char *log_file;    /* a name in the work directory */
  const char *root;
  const char *parent_img;  /* relative to the images directory */
  const char *freeze_cgroup;
  const char *lsm_profile;
  const char *lsm_mount_context;
  const char *config_file;
  const char *ps_address;  /* page server, with ps_port */
  int ps_port;
  int status_fd;           /* -1: unset */
  int cg_mode;             /* enum criu_cg_mode, -1: criu's default */
  uint32_t empty_ns;       /* CLONE_NEW* flags */
  bool leave_running, ext_unix_sk, tcp_established, evasive_devices, shell_job, file_locks;
  bool notify_scripts, track_mem, auto_dedup, link_remap, manage_cgroups, rst_sibling;
  bool auto_ext_mnt, ext_sharing, ext_masters, tcp_skip_in_flight, lazy_pages;
  bool orphan_pts_master, tcp_close;
  struct criu_pair *ext_mnt;      /* key (name in the image), value (mountpoint or source) */
  size_t n_ext_mnt;
  struct criu_inherit *inherit_fd;
  size_t n_inherit_fd;
  char **external;                /* "net[INODE]:KEY", "file[MNT:INODE]"... */
  size_t n_external;
  struct criu_pair *join_ns;      /* namespace name, namespace file */
  size_t n_join_ns;
  struct criu_pair *cg_root;      /* controller (NULL: every other), path */
  size_t n_cg_root;
};

void criu_opts_init (struct criu_opts *o);
void criu_opts_release (struct criu_opts *o);
void criu_opts_add_ext_mnt (struct criu_opts *o, const char *key, const char *val);
void criu_opts_add_inherit_fd (struct criu_opts *o, const char *key, int fd);
void criu_opts_add_external (struct criu_opts *o, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void criu_opts_add_join_ns (struct criu_opts *o, const char *ns, const char *file);
void criu_opts_add_cg_root (struct criu_opts *o, const char *ctrl, const char *path);
/* Whether a key of ext_mnt is already there. */
bool criu_opts_has_ext_mnt (const struct criu_opts *o, const char *key);

struct criu_resp
{
  int type;
  bool success;
  pid_t restore_pid;       /* RESTORE: the root task, as we see it */
  char *notify_script;     /* NOTIFY: "setup-namespaces", "post-restore"... */
  pid_t notify_pid;
  int cr_errno;
  char *cr_errmsg;
  bool has_features, feat_mem_track, feat_lazy_pages;
  bool has_version;
  int version_major, version_minor, version_sublevel;
  int fd;                  /* received with the message (SCM_RIGHTS), -1 */
};

void criu_resp_release (struct criu_resp *r);

/* The criu_req bytes: `o` may be NULL (VERSION); features asks for
 * mem_track and lazy_pages (FEATURE_CHECK). */
struct pb_buf;
void criu_req_encode (struct pb_buf *out, enum criu_req_type type, const struct criu_opts *o,
                      bool notify_success, bool features);
int criu_resp_decode (const void *data, size_t len, struct criu_resp *out, casing_error_t *err);

/* `criu swrk FD`, a child of ours talking over a SOCK_SEQPACKET pair. */
struct criu_swrk
{
  pid_t pid;
  int sock;
};

struct criu_spawn
{
  const char *criu_path;
  const int *keep_fds;     /* passed on with their numbers (the rest is close-on-exec) */
  size_t n_keep_fds;
  /* Restore: run criu in a mount namespace of its own (its mounts never
   * reach ours) where this directory is bound on itself, since CRIU wants
   * the root to be a mount point.  NULL: criu stays in ours. */
  const char *private_root;
  /* With private_root: directories criu works in (its cwd is one), opened
   * again at the same fd numbers in its namespace, where mounts on them
   * are allowed (the originals' mounts are the host's).  Each must still
   * be the same directory. */
  const int *reopen_fds;
  const char *const *reopen_paths;
  size_t n_reopen;
  /* criu runs with no_new_privs, which every task it restores inherits
   * (criu 3.17 does not restore the flag itself). */
  bool no_new_privs;
};

int criu_swrk_start (const struct criu_spawn *s, struct criu_swrk *w, casing_error_t *err);
/* Close the socket and reap criu; its exit status (or 128+signal). */
int criu_swrk_finish (struct criu_swrk *w);

/* Called for each notification; `fd` (-1 when none) belongs to the
 * callee.  A failure is reported to criu, which then aborts. */
typedef int (*criu_notify_fn) (void *data, const char *script, pid_t pid, int fd, casing_error_t *err);

/* Send one request and read answers until the one for it, answering the
 * notifications on the way (notify may be NULL).  0 with *out filled,
 * whatever its `success`; -1 when the conversation itself failed. */
int criu_swrk_call (struct criu_swrk *w, enum criu_req_type type, const struct criu_opts *o, bool features,
                    criu_notify_fn notify, void *data, struct criu_resp *out, casing_error_t *err);

#endif
