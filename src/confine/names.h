/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the names of the spec that src/confine/ applies mean to Linux.
 * The spec's vocabularies are libocispec's (ocispec_names.h, one list
 * each); the tables here map them by index to values.  The validation,
 * `casing features` and the code that applies them all read these, so
 * none of them can accept a name another refuses.  Capabilities and
 * rlimits have no list in the spec (a pattern): their one table is here. */
#ifndef CASING_CONFINE_NAMES_H
#define CASING_CONFINE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ocispec.h"

/* ---- capabilities (caps_names.c) ----
 * "CAP_CHOWN" ..., index = value, NULL-terminated; includes those newer
 * than the running kernel. */
const char *const *caps_known_names (void);
/* Value of "CAP_XXX" (exact, upper case), or -1. */
int caps_value_of (const char *name);
/* "CAP_XXX", or "capability N" written in `buf` when our table has no
 * name for `v` (a kernel newer than casing). */
const char *caps_name_of (int v, char *buf, size_t len);

/* ---- rlimits (rlimits.c) ---- RLIMIT_* -> resource, or -1. */
int rlimit_from_name (const char *name);

/* ---- scheduler (scheduler.c), I/O priority (io_priority.c) ---- */
int sched_policy_value (enum oci_sched_policy policy);
uint64_t sched_flag_value (enum oci_sched_flag flag);
int ioprio_class_value (enum oci_ioprio_class class);

/* ---- memory policy (mempolicy.c) ---- */
enum mempolicy_nodes
{
  MEMPOLICY_NODES_NONE,     /* the mode takes no node */
  MEMPOLICY_NODES_REQUIRED, /* at least one */
  MEMPOLICY_NODES_OPTIONAL, /* MPOL_PREFERRED: none means local */
};
struct mempolicy_mode_def
{
  int value; /* MPOL_* of <linux/mempolicy.h> */
  enum mempolicy_nodes nodes;
};
const struct mempolicy_mode_def *mempolicy_mode_def (enum oci_mempolicy_mode mode);
int mempolicy_flag_value (enum oci_mempolicy_flag flag);

/* ---- seccomp (seccomp_names.c) ---- */
/* SECCOMP_FILTER_FLAG_* bit of a linux.seccomp.flags name, 0 if unknown. */
unsigned int seccomp_flag_bit (const char *name);
/* libseccomp's token for a spec architecture ("SCMP_ARCH_X86_64"), 0 when
 * this libseccomp does not know it (or casing has none). */
uint32_t seccomp_arch_token (const char *spec_name);
/* The spec architectures this libseccomp knows (NULL-terminated, malloc'd
 * array of static strings; free the array only). */
const char **seccomp_known_archs (void);

/* ---- lists of ids: "0-3,7" (spaces allowed), for CPUs and NUMA nodes
 * (cpu_affinity.c) ----
 * Into a bit mask of `nbits` bits (unsigned long words, allocated).
 * `field` names the config field in messages. */
int id_list_parse (const char *field, const char *s, unsigned long **mask, size_t *nbits, casing_error_t *err);
/* Whether the list has no id at all ("" or spaces): "leave it alone". */
bool id_list_empty (const char *s);

#endif
