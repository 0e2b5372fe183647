/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The properties of the transient scope the systemd driver asks for, built
 * from linux.resources.  systemd re-applies its own view of a unit's
 * cgroup (on daemon-reload, or when a sibling changes), so it must know the
 * limits casing writes, or it would silently undo them.  Pure code: unit
 * tested in tests/unit/test_systemd_props.c; cgroup_systemd.c sends them. */
#ifndef CASING_SYSTEMD_PROPS_H
#define CASING_SYSTEMD_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices.h"
#include "core/error.h"
#include "ocispec.h"

/* systemd's spelling of "no limit" for the uint64 properties. */
#define SYSTEMD_INFINITY UINT64_MAX

struct systemd_device_allow
{
  char path[64];  /* "/dev/char/1:3", "char-pts", "block-*" */
  char perms[4];  /* "rwm" or a part of it */
};

struct systemd_prop
{
  const char *name; /* "MemoryMax" */
  char type;        /* D-Bus signature: 'b', 't', 's', 'y' (an array of
                       bytes, "ay") or 'D' (DeviceAllow, "a(ss)") */
  uint64_t u64;     /* 'b', 't' */
  const char *str;  /* 's' (static strings only) */
  uint8_t *bytes;   /* 'y' */
  size_t n_bytes;
  struct systemd_device_allow *devs; /* 'D' */
  size_t n_devs;
  char *owned_name, *owned_str; /* an annotation's: name and str point here */
};

struct systemd_props
{
  struct systemd_prop *v;
  size_t n;
};

struct systemd_props_input
{
  const oci_resources *resources; /* may be NULL */
  /* The device rules casing enforces (device_rules_build), or NULL to
   * leave DevicePolicy/DeviceAllow alone (an update without devices). */
  const struct device_rule *rules;
  size_t n_rules;
  const char *proc_devices; /* text of /proc/devices, names majors */
  bool v2;                  /* unified hierarchy: v2 property names */
  bool create;              /* StartTransientUnit: also the *Accounting flags */
  /* The config's annotations: org.systemd.property.* are added at create,
   * after casing's own properties. */
  const oci_map *annotations;
};

int systemd_props_build (const struct systemd_props_input *in, struct systemd_props *out, casing_error_t *err);
void systemd_props_free (struct systemd_props *p);
/* Append the org.systemd.property.* annotations (systemd_annotations.c);
 * fails on a name or value it cannot read. */
int systemd_props_from_annotations (const oci_map *annotations, struct systemd_props *out, casing_error_t *err);

/* "0-3,8" -> the bitmask AllowedCPUs= and AllowedMemoryNodes= take: byte i
 * bit j stands for CPU 8*i+j.  An empty list gives an empty mask. */
int systemd_cpu_list_to_mask (const char *list, uint8_t **mask, size_t *n, casing_error_t *err);

/* CPUQuotaPerSecUSec for quota/period, rounded up to whole 10 ms: systemd
 * keeps the quota as a percentage of one CPU, and rounding down would
 * leave the container less than it was given. */
uint64_t systemd_cpu_quota_per_sec (int64_t quota, uint64_t period);

/* DevicePolicy and DeviceAllow for the rules.  systemd only knows allow
 * lists, and names a whole major only through /proc/devices ("char-pts").
 * What it cannot be told exactly is rounded:
 *  - v2: up, to allow more, never less.  systemd's device filter and
 *    casing's both have to allow an access, so casing's rules still decide
 *    and a narrower list would take devices away from the container.
 *  - v1: down, to allow less, never more.  Both write the same
 *    devices.allow/deny files and systemd writes its list again on
 *    daemon-reload: a wider list would open devices casing closed.
 * A deny after allow-all cannot be said at all: *policy is then "auto"
 * (everything allowed, *devs empty), as for allow-all; otherwise "strict". */
int systemd_device_allow_list (const struct device_rule *rules, size_t n, const char *proc_devices, bool v2,
                               const char **policy, struct systemd_device_allow **devs, size_t *n_devs);

#endif
