/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `create` and `restore` do alike before the container's processes
 * exist, one rule each: the bundle's config read and validated, the
 * terminal options checked, the state recorded, the cgroup made. */
#ifndef CASING_CONTAINER_BUNDLE_SETUP_H
#define CASING_CONTAINER_BUNDLE_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroups/cgroups.h"
#include "confine/seccomp.h"
#include "core/error.h"
#include "ocispec.h"
#include "state_store.h"

struct bundle_setup
{
  /* What the command was told. */
  const char *root;
  const char *id;
  const char *dir;            /* the bundle; NULL: the current directory */
  const char *console_socket;
  bool systemd_cgroup, no_cgroup, rootless;
  bool keep_console_master;   /* a terminal without a socket is for the caller */
  /* What was made, released by bundle_setup_release. */
  oci_config *config;
  char *config_data;          /* config.json as read: the state keeps it */
  size_t config_len;
  char *bundle;               /* dir, resolved */
  char *rootfs;               /* root.path, resolved */
  bool no_process;            /* config.json has none: `start` will fail */
  int console_sock;           /* -1 */
  struct container_handle *h;
  struct cgroup_manager *cgroup;
};

#define BUNDLE_SETUP_INIT .console_sock = -1

/* Read, parse and validate config.json (the seccomp filter compiled into
 * *seccomp when it is not NULL), resolve the root.  Without a process,
 * `process_required` refuses; else an empty one stands in (no_process). */
int bundle_setup_load (struct bundle_setup *b, bool process_required, struct seccomp_program **seccomp,
                       casing_error_t *err);
/* runc's rules: a terminal needs somewhere to go, a console socket without
 * one is a mistake; the socket is connected. */
int bundle_setup_terminal (struct bundle_setup *b, casing_error_t *err);
/* The state directory, `creating`, with the config and the cgroup about to
 * be made, so that a killed command can be undone by `delete --force`. */
int bundle_setup_record_state (struct bundle_setup *b, casing_error_t *err);
/* The cgroup (or none: --cgroup-manager disabled, or nothing asks for
 * one), saved in the state. */
int bundle_setup_cgroup (struct bundle_setup *b, casing_error_t *err);
void bundle_setup_release (struct bundle_setup *b);

#endif
