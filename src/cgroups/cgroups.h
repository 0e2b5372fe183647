/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resource control: cgroups v1, v2 and hybrid, with the cgroupfs driver (and
 * a systemd driver when systemd is PID 1).
 *
 * create: cgroup_manager_create() before clone (v2: gives a dirfd usable with
 *         CLONE_INTO_CGROUP), cgroup_manager_enter(pid) after clone (v1 and
 *         hybrid, or when clone3 is unavailable), cgroup_manager_apply().
 * later:  cgroup_manager_load() from the saved state, then
 *         pause/resume/update/stats/pids/kill/destroy. */
#ifndef CASING_CGROUPS_H
#define CASING_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "ocispec.h"

struct cgroup_manager;

struct cgroup_options
{
  const char *id;           /* container id */
  const char *cgroups_path; /* linux.cgroupsPath, may be NULL */
  bool systemd;             /* --systemd-cgroup */
  bool rootless;
  /* No cgroup at all (--cgroup-manager disabled; a config with neither
   * cgroupsPath nor resources): the manager makes and holds nothing. */
  bool disabled;
  /* linux.devices: each gets rwm access in the device rules (added after
   * the default allow list), as runc does. */
  const oci_device *devices;
  size_t devices_len;
  /* The config's annotations (org.systemd.property.* for the systemd
   * driver); only read during create. */
  const oci_map *annotations;
};

/* Whether a new cgroup of this host gets no real-time runtime (v1 RT group
 * scheduling): a real-time policy then needs linux.resources.cpu.realtimeRuntime. */
bool cgroup_host_rt_needs_runtime (void);
/* Whether the systemd driver (--systemd-cgroup) can make linux.cgroupsPath
 * (`slice:prefix:name`, a scope) on this host: `check` and `create` ask
 * before anything exists.  Not for an unprivileged user (`rootless`): the
 * user's own systemd is not supported. */
int cgroup_systemd_check (const char *path, bool rootless, casing_error_t *err);

int cgroup_manager_create (const struct cgroup_options *opts, const oci_resources *resources,
                           struct cgroup_manager **out, casing_error_t *err);
/* A manager of a container without a cgroup: pause, update, stats and
 * OOM events fail with a clear error, listing its processes is the
 * caller's business (cgroup_manager_pids fails with ENODEV). */
bool cgroup_manager_disabled (const struct cgroup_manager *m);
/* fd of the v2 leaf directory for CLONE_INTO_CGROUP, or -1.  Only a pure v2
 * host gets an fd: with v1 hierarchies (hybrid too) the caller must use
 * cgroup_manager_enter, which places the process in every hierarchy. */
int cgroup_manager_clone_fd (struct cgroup_manager *m);
/* < 0 on error, 1 when the state must be saved again (systemd driver). */
int cgroup_manager_enter (struct cgroup_manager *m, pid_t pid, casing_error_t *err);
/* `exec --cgroup` (runc): place `pid` in existing sub-cgroups of the
 * container's, each spec `[CONTROLLER[,CONTROLLER...]:]PATH`; a spec
 * naming controllers applies to their hierarchies, one without to every
 * other.  PATH is below the container's cgroup: no "..", no symlinks. */
int cgroup_manager_enter_sub (struct cgroup_manager *m, pid_t pid, char *const *specs, size_t n,
                              casing_error_t *err);
/* linux.resources: cgroup_manager_apply is both halves.  Create applies
 * the device rules before the init goes on (v1 writes them one by one,
 * starting with deny-all: an init making /dev nodes meanwhile would get
 * EPERM), and the limits while the init sets up. */
int cgroup_manager_apply (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err);
int cgroup_manager_apply_devices (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err);
int cgroup_manager_apply_limits (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err);

/* Serialize what the manager made into the state file, and load it back. */
int cgroup_manager_save (struct cgroup_manager *m, casing_state *state, casing_error_t *err);
int cgroup_manager_load (const casing_state *state, struct cgroup_manager **out, casing_error_t *err);

int cgroup_manager_pids (struct cgroup_manager *m, pid_t **pids, size_t *n, casing_error_t *err);
int cgroup_manager_kill_all (struct cgroup_manager *m, int signo, casing_error_t *err);
int cgroup_manager_freeze (struct cgroup_manager *m, bool freeze, casing_error_t *err);
int cgroup_manager_is_frozen (struct cgroup_manager *m, bool *frozen, casing_error_t *err);
/* linux.devices of the container: each gets rwm in the device rules.  A
 * manager loaded from the state has none; `update` of devices sets them
 * from the saved config first. */
void cgroup_manager_set_devices (struct cgroup_manager *m, const oci_device *devs, size_t n);
int cgroup_manager_update (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err);
/* runc-compatible `events --stats` JSON object for "data". */
char *cgroup_manager_stats_json (struct cgroup_manager *m, casing_error_t *err);
/* OOM notifications (`events`): an fd to poll for POLLIN (v1: an eventfd
 * registered on memory.oom_control; v2: inotify on memory.events).  After
 * POLLIN, cgroup_manager_oom_read gives the number of OOM events since the
 * last call (0 when memory.events changed for another reason). */
int cgroup_manager_oom_fd (struct cgroup_manager *m, casing_error_t *err);
int cgroup_manager_oom_read (struct cgroup_manager *m, int fd, uint64_t *count, casing_error_t *err);
/* Kill what is left and remove every directory the manager created. */
int cgroup_manager_destroy (struct cgroup_manager *m, casing_error_t *err);
void cgroup_manager_free (struct cgroup_manager *m);

#endif
