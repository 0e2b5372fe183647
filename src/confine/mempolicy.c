/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/utils.h"
#include "confine.h"
#include "confine_internal.h"

/* Values from <linux/mempolicy.h>, spelled out because older headers lack
 * the newer modes. */
static const struct
{
  const char *name;
  int value;
  int nodes; /* 0: must be empty, 1: at least one, 2: either */
} modes[] = {
  { "MPOL_DEFAULT", 0, 0 },    { "MPOL_PREFERRED", 1, 2 },           { "MPOL_BIND", 2, 1 },
  { "MPOL_INTERLEAVE", 3, 1 }, { "MPOL_LOCAL", 4, 0 },               { "MPOL_PREFERRED_MANY", 5, 1 },
  { "MPOL_WEIGHTED_INTERLEAVE", 6, 1 },
}, flags[] = {
  { "MPOL_F_NUMA_BALANCING", 1 << 13, 0 },
  { "MPOL_F_RELATIVE_NODES", 1 << 14, 0 },
  { "MPOL_F_STATIC_NODES", 1 << 15, 0 },
};

#define N(a) (sizeof (a) / sizeof (a)[0])

int
memory_policy_mode (const oci_memory_policy *policy, int *mode, casing_error_t *err)
{
  size_t i;

  if (policy->mode == NULL)
    return casing_error_set (err, 0, "linux.memoryPolicy.mode: missing");
  for (i = 0; i < N (modes); i++)
    if (strcmp (modes[i].name, policy->mode) == 0)
      break;
  if (i == N (modes))
    return casing_error_set (err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"", policy->mode);
  *mode = modes[i].value;
  if (modes[i].nodes == 0 && policy->nodes && policy->nodes[strspn (policy->nodes, " ")])
    return casing_error_set (err, 0, "linux.memoryPolicy.nodes: %s takes no nodes", policy->mode);
  if (modes[i].nodes == 1 && ! (policy->nodes && policy->nodes[strspn (policy->nodes, " ")]))
    return casing_error_set (err, 0, "linux.memoryPolicy.nodes: %s needs at least one node", policy->mode);
  for (size_t f = 0; f < policy->flags_len; f++)
    {
      for (i = 0; i < N (flags); i++)
        if (strcmp (flags[i].name, policy->flags[f]) == 0)
          break;
      if (i == N (flags))
        return casing_error_set (err, 0, "linux.memoryPolicy.flags: unknown flag \"%s\"", policy->flags[f]);
      *mode |= flags[i].value;
    }
  return 0;
}

int
process_apply_memory_policy (const oci_memory_policy *policy, casing_error_t *err)
{
  cleanup_free unsigned long *mask = NULL;
  size_t nbits = 0;
  int mode;

  if (policy == NULL)
    return 0;
  if (memory_policy_mode (policy, &mode, err) < 0)
    return -1;
  if (policy->nodes && policy->nodes[strspn (policy->nodes, " ")]
      && id_list_parse ("linux.memoryPolicy.nodes", policy->nodes, &mask, &nbits, err) < 0)
    return -1;
  /* maxnode counts one more than the bits the kernel reads. */
  if (syscall (SYS_set_mempolicy, mode, mask, mask ? nbits + 1 : 0) < 0)
    return casing_error_errno (err, "linux.memoryPolicy: set_mempolicy %s", policy->mode);
  return 0;
}
