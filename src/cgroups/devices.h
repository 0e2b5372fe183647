/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device access rules for the container's cgroup, and their translation to
 * a BPF_PROG_TYPE_CGROUP_DEVICE program for cgroup v2.  Pure code: unit
 * tested in tests/unit/test_cgroups_devices.c. */
#ifndef CASING_CGROUP_DEVICES_H
#define CASING_CGROUP_DEVICES_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ocispec.h"

/* Same bits as the kernel's BPF_DEVCG_ACC_* / BPF_DEVCG_DEV_*. */
#define DEVICE_ACC_MKNOD 1u
#define DEVICE_ACC_READ 2u
#define DEVICE_ACC_WRITE 4u
#define DEVICE_ACC_ALL 7u

struct device_rule
{
  bool allow;
  char type;     /* 'a', 'c' or 'b' */
  int64_t major; /* -1: any */
  int64_t minor; /* -1: any */
  unsigned access;
};

/* The rules casing applies, in order (a later match wins):
 *   deny everything, then linux.resources.devices, then the devices every
 *   container gets (null, zero, full, random, urandom, tty, console, ptmx,
 *   pts/N, mknod of anything), then rwm on each of linux.devices. */
int device_rules_build (const oci_device_cgroup *res, size_t n_res, const oci_device *devs, size_t n_devs,
                        struct device_rule **out, size_t *n_out, casing_error_t *err);

/* "c 1:3 rwm", "a *:* rwm". */
void device_rule_format (const struct device_rule *r, char *buf, size_t len);

/* cgroup v1: the writes that take a cgroup whose devices.list reads
 * `current` to the end state of `rules` without a moment of deny-all (the
 * new access first, then the removals; allow=true goes to devices.allow).
 * 0 with the writes (maybe none, *writes malloc'd), or 1 when only writing
 * every rule from deny-all can get there (the cgroup or the rules allow
 * by default). */
int device_rules_v1_plan (const char *current, const struct device_rule *rules, size_t n,
                          struct device_rule **writes, size_t *n_writes);

/* The program: evaluates the rules last to first, first hit decides,
 * default deny.  Returns the instruction count; *out is malloc'd. */
size_t device_rules_to_bpf (const struct device_rule *rules, size_t n, struct bpf_insn **out);

#endif
