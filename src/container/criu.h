/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checkpoint and restore with CRIU, as `casing checkpoint` and `casing
 * restore` use them.  criu is found at run time (--criu, else $PATH and
 * the sbin directories) and driven over its RPC (`criu swrk`). */
#ifndef CASING_CRIU_H
#define CASING_CRIU_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "container.h"
#include "core/error.h"

/* What checkpoint and restore share (the runc options of the same names). */
struct criu_common_options
{
  const char *criu_path;           /* --criu; NULL: search */
  const char *image_path;          /* the images directory */
  const char *work_path;           /* logs; NULL: the images directory */
  const char *manage_cgroups_mode; /* soft|full|strict|ignore, NULL: soft */
  uint32_t empty_ns;               /* CLONE_NEW* of --empty-ns */
  bool tcp_established, ext_unix_sk, shell_job, file_locks, lazy_pages, auto_dedup, link_remap;
};

struct container_checkpoint_options
{
  const char *root;
  const char *id;
  struct criu_common_options c;
  const char *parent_path;         /* relative to the images directory */
  const char *page_server;         /* ADDRESS:PORT */
  int status_fd;                   /* --status-fd, -1 */
  bool leave_running, pre_dump, tcp_skip_in_flight;
};

/* Dump (or pre-dump) a running or paused container.  A dump without
 * --leave-running ends the container, which is then deleted (its
 * poststop hooks run): the images hold everything restore needs. */
int container_checkpoint (const struct container_checkpoint_options *o, container_warn_fn warn,
                          casing_error_t *err);

struct container_restore_options
{
  const char *root;
  const char *id;
  struct criu_common_options c;
  const char *bundle;              /* NULL: current directory */
  const char *pid_file;
  const char *console_socket;
  const char *lsm_profile;         /* TYPE:NAME */
  const char *lsm_mount_context;
  bool systemd_cgroup, no_cgroup, rootless, no_pivot, tcp_close;
  /* In the foreground with a terminal and no console socket: keep the pty
   * master for the caller, as `run` does. */
  bool keep_console_master;
};

struct container_restored
{
  pid_t pid;          /* the container's process, as the host sees it */
  int console_master; /* with keep_console_master, else -1 */
};

/* Make a container `id` from the bundle's config and the images: a
 * normal casing container once it returns (running), or nothing at all
 * when it fails. */
int container_restore (const struct container_restore_options *o, struct container_restored *out,
                       container_warn_fn warn, casing_error_t *err);

/* --manage-cgroups-mode: 0 for soft, full, strict or ignore. */
int criu_cgroups_mode_check (const char *mode, casing_error_t *err);
/* --empty-ns NAME ("network"...): its CLONE_NEW* flag. */
int criu_empty_ns_flag (const char *name, uint32_t *flag, casing_error_t *err);

/* For `casing features`: criu found and `criu check` passing; *version
 * (malloc'd, may stay NULL) is what `criu --version` says. */
bool criu_works (const char *criu_path, char **version);

#endif
