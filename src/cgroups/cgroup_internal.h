/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the files of src/cgroups/: the host's hierarchies, the
 * manager, and the helpers every resource file uses to reach a controller. */
#ifndef CASING_CGROUP_INTERNAL_H
#define CASING_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups.h"

enum cgroup_mode
{
  CGROUP_MODE_V1 = 1,     /* only v1 hierarchies */
  CGROUP_MODE_HYBRID = 2, /* v1 controllers plus a cgroup2 mount */
  CGROUP_MODE_V2 = 3,     /* pure unified */
};

/* One mounted hierarchy.  v1: one per mount, with the controllers of its
 * super options ("cpu", "cpuacct", "name=systemd"...).  v2: the cgroup2
 * mount, with the controllers of its root cgroup.controllers. */
struct cgroup_hierarchy
{
  char *mountpoint;
  char *root; /* mountinfo field 4: the part of the tree the mount shows */
  char **controllers;
  size_t n_controllers;
  bool v2;
};

struct cgroup_host
{
  enum cgroup_mode mode;
  struct cgroup_hierarchy *h;
  size_t n;
  int v2; /* index of the cgroup2 hierarchy, -1 if none */
};

/* A hierarchy the container is placed in. */
struct cgroup_dir
{
  struct cgroup_hierarchy *h; /* points into m->host */
  char *path;                 /* cgroup path inside the hierarchy, "/a/b" */
  char *full;                 /* mountpoint + path */
  int fd;                     /* O_PATH|O_DIRECTORY of full, -1 until open */
  int created;                /* how many trailing components we created */
};

struct cgroup_manager
{
  char *id;
  char *path; /* the resolved cgroupsPath */
  bool systemd;
  bool rootless;
  bool disabled; /* no cgroup at all: no dirs, nothing to apply */
  struct cgroup_host host;
  struct cgroup_dir *dirs;
  size_t n_dirs;
  /* linux.devices, reduced to what the device rules need (type, numbers). */
  oci_device *devices;
  size_t n_devices;
  uint64_t oom_seen; /* v2: memory.events oom_kill at the last look */
  /* systemd driver: the transient scope, started by cgroup_manager_enter. */
  char *systemd_unit;
  char *systemd_slice;
  bool systemd_started;
  struct systemd_props *systemd_props; /* what StartTransientUnit sends */
};

/* cgroup_detect.c */
int cgroup_host_detect (struct cgroup_host *host, casing_error_t *err);
/* Parse mountinfo text (exposed for unit tests). */
int cgroup_host_parse_mountinfo (struct cgroup_host *host, const char *mountinfo, casing_error_t *err);
void cgroup_host_free (struct cgroup_host *host);
bool cgroup_hierarchy_has (const struct cgroup_hierarchy *h, const char *controller);

/* cgroup_path.c */
/* Where `cgroups_path` lands in one hierarchy, given the process' own
 * cgroup there ("/" when unknown).  Pure, unit-tested. */
int cgroup_path_resolve (const char *cgroups_path, const char *id, const char *own, bool v2, char **out,
                         casing_error_t *err);
/* Own cgroup of this process per hierarchy from /proc/self/cgroup text. */
char *cgroup_path_own (const char *proc_cgroup, const struct cgroup_hierarchy *h);

/* cgroup_manager.c */
/* -1 with ENODEV and a message naming what needs the cgroup, when the
 * container has none. */
int cgroup_manager_need (struct cgroup_manager *m, const char *what, casing_error_t *err);
/* The directory holding `controller` (v1 hierarchy or v2), NULL if absent. */
struct cgroup_dir *cgroup_manager_dir_for (struct cgroup_manager *m, const char *controller);
bool cgroup_dir_is_v2 (const struct cgroup_dir *d);
struct cgroup_dir *cgroup_manager_v2_dir (struct cgroup_manager *m);
/* Write `value` to `file` of the dir holding `controller`; the message names
 * the file and the value.  Fails if the controller is missing. */
int cgroup_write (struct cgroup_manager *m, const char *controller, const char *file, const char *value,
                  casing_error_t *err);
int cgroup_dir_write (struct cgroup_dir *d, const char *file, const char *value, casing_error_t *err);
int cgroup_dir_read (struct cgroup_dir *d, const char *file, char **out, casing_error_t *err);
bool cgroup_dir_has_file (struct cgroup_dir *d, const char *file);
struct cgroup_dir *cgroup_manager_add_dir (struct cgroup_manager *m, struct cgroup_hierarchy *h, const char *path,
                                           int created);
/* The directory whose cgroup.procs lists every process of the container. */
struct cgroup_dir *cgroup_manager_main_dir (struct cgroup_manager *m);
/* Call fn for every child cgroup (subdirectory) of `dfd`, whose path is
 * `full`: `sub` is an O_DIRECTORY fd of the child (-1 when it could not be
 * opened, e.g. removed meanwhile; closed after fn), `subfull` its path.
 * Stops at the first fn < 0. */
typedef int (*cgroup_child_fn) (int dfd, const char *name, int sub, const char *subfull, void *data,
                                casing_error_t *err);
int cgroup_for_each_child (int dfd, const char *full, cgroup_child_fn fn, void *data, casing_error_t *err);

/* cgroup_v2.c */
int cgroup_v2_enable_controllers_at (int dirfd, const struct cgroup_hierarchy *h, casing_error_t *err);
int cgroup_v2_wait_event (struct cgroup_dir *d, const char *key, const char *value, int timeout_ms);
int cgroup_v2_wait_unpopulated (struct cgroup_dir *d, int timeout_ms);

/* resources_*.c */
int cgroup_apply_memory (struct cgroup_manager *m, const oci_memory *mem, bool update, casing_error_t *err);
int cgroup_apply_cpu (struct cgroup_manager *m, const oci_cpu *cpu, casing_error_t *err);
int cgroup_apply_cpuset (struct cgroup_manager *m, const oci_cpu *cpu, casing_error_t *err);
int cgroup_apply_blkio (struct cgroup_manager *m, const oci_blkio *b, casing_error_t *err);
int cgroup_apply_pids (struct cgroup_manager *m, const oci_pids *p, casing_error_t *err);
int cgroup_apply_hugetlb (struct cgroup_manager *m, const oci_hugepage_limit *l, size_t n, casing_error_t *err);
int cgroup_apply_network (struct cgroup_manager *m, const oci_network *n, casing_error_t *err);
int cgroup_apply_rdma (struct cgroup_manager *m, const oci_rdma *r, size_t n, casing_error_t *err);
int cgroup_apply_unified (struct cgroup_manager *m, const oci_map *u, casing_error_t *err);
/* v1 cpuset: a new cpuset cgroup starts empty and refuses tasks; copy the
 * parent's cpus/mems down the path first. */
int cgroup_v1_cpuset_init_at (int dirfd, casing_error_t *err);

/* devices_v1.c, devices_bpf.c */
struct device_rule;
int cgroup_devices_v1_apply (struct cgroup_dir *d, const struct device_rule *rules, size_t n, casing_error_t *err);
int cgroup_devices_bpf_apply (struct cgroup_dir *d, const struct device_rule *rules, size_t n, casing_error_t *err);

/* cgroup_freezer.c */
int cgroup_freeze_dir (struct cgroup_dir *d, bool freeze, casing_error_t *err);

/* cgroup_systemd.c */
int cgroup_systemd_parse_path (const char *path, const char *id, char **slice, char **unit, casing_error_t *err);
int cgroup_systemd_create (struct cgroup_manager *m, const struct cgroup_options *opts,
                           const oci_resources *resources, casing_error_t *err);
/* Start the scope with `pid` in it and wait until it runs, then
 * cgroup_manager_adopt_pid (m, pid, true). */
int cgroup_systemd_enter (struct cgroup_manager *m, pid_t pid, casing_error_t *err);
/* Tell systemd the new limits (SetUnitProperties), so that it does not put
 * the old ones back; the caller then writes them through cgroupfs. */
int cgroup_systemd_update (struct cgroup_manager *m, const oci_resources *resources, casing_error_t *err);
/* Stop the scope and wait until it is gone. */
int cgroup_systemd_stop (struct cgroup_manager *m, casing_error_t *err);
/* Fill m->dirs from where systemd put `pid` (/proc/PID/cgroup): those
 * directories are systemd's (created 0).  With `join_rest`, each v1
 * hierarchy systemd does not manage (cpuset, freezer, net_cls...) gets a
 * directory at the scope's path, made and joined as the cgroupfs driver
 * would, and removed by destroy. */
int cgroup_manager_adopt_pid (struct cgroup_manager *m, pid_t pid, bool join_rest, casing_error_t *err);

#endif
