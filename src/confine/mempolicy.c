/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/utils.h"
#include "confine.h"
#include "names.h"

/* Values from <linux/mempolicy.h>, by the spec's names (oci_mempolicy_modes,
 * oci_mempolicy_flags); spelled out because older headers lack the newer
 * modes. */
static const struct mempolicy_mode_def modes[OCI_MPOL_COUNT] = {
  [OCI_MPOL_DEFAULT] = { 0, MEMPOLICY_NODES_NONE },
  [OCI_MPOL_PREFERRED] = { 1, MEMPOLICY_NODES_OPTIONAL },
  [OCI_MPOL_BIND] = { 2, MEMPOLICY_NODES_REQUIRED },
  [OCI_MPOL_INTERLEAVE] = { 3, MEMPOLICY_NODES_REQUIRED },
  [OCI_MPOL_LOCAL] = { 4, MEMPOLICY_NODES_NONE },
  [OCI_MPOL_PREFERRED_MANY] = { 5, MEMPOLICY_NODES_REQUIRED },
  [OCI_MPOL_WEIGHTED_INTERLEAVE] = { 6, MEMPOLICY_NODES_REQUIRED },
};

static const int flag_values[OCI_MPOL_F_COUNT] = {
  [OCI_MPOL_F_NUMA_BALANCING] = 1 << 13,
  [OCI_MPOL_F_RELATIVE_NODES] = 1 << 14,
  [OCI_MPOL_F_STATIC_NODES] = 1 << 15,
};

const struct mempolicy_mode_def *
mempolicy_mode_def (enum oci_mempolicy_mode mode)
{
  return (unsigned) mode < OCI_MPOL_COUNT ? &modes[mode] : NULL;
}

static int
mode_with_flags (const oci_memory_policy *policy, int *out, casing_error_t *err)
{
  int mode = oci_name_index (oci_mempolicy_modes, policy->mode);

  if (mode < 0)
    return casing_error_set (err, EINVAL, "linux.memoryPolicy.mode: \"%s\" is not a mode",
                             policy->mode ? policy->mode : "");
  *out = modes[mode].value;
  for (size_t f = 0; f < policy->flags_len; f++)
    {
      int flag = oci_name_index (oci_mempolicy_flags, policy->flags[f]);
      if (flag < 0)
        return casing_error_set (err, EINVAL, "linux.memoryPolicy.flags[%zu]: \"%s\" is not a flag", f,
                                 policy->flags[f]);
      *out |= flag_values[flag];
    }
  return 0;
}

int
process_apply_memory_policy (const oci_memory_policy *policy, casing_error_t *err)
{
  cleanup_free unsigned long *mask = NULL;
  size_t nbits = 0;
  int mode = 0;

  if (policy == NULL)
    return 0;
  if (mode_with_flags (policy, &mode, err) < 0)
    return -1;
  if (!id_list_empty (policy->nodes)
      && id_list_parse ("linux.memoryPolicy.nodes", policy->nodes, &mask, &nbits, err) < 0)
    return -1;
  /* maxnode counts one more than the bits the kernel reads. */
  if (syscall (SYS_set_mempolicy, mode, mask, mask ? nbits + 1 : 0) < 0)
    return casing_error_errno (err, "linux.memoryPolicy: set_mempolicy %s", policy->mode);
  return 0;
}
