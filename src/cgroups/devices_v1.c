/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1 device control: the rules written in order to devices.deny
 * and devices.allow (the first one, "a", resets the cgroup to deny all). */
#include <string.h>

#include "cgroup_internal.h"
#include "devices.h"
#include "utils.h"

int
cgroup_devices_v1_apply (struct cgroup_dir *d, const struct device_rule *rules, size_t n, casing_error_t *err)
{
  char line[64];
  for (size_t i = 0; i < n; i++)
    {
      if (rules[i].type == 'a' && rules[i].access == DEVICE_ACC_ALL)
        strcpy (line, "a");
      else
        device_rule_format (&rules[i], line, sizeof line);
      if (cgroup_dir_write (d, rules[i].allow ? "devices.allow" : "devices.deny", line, err) < 0)
        return casing_error_prefix (err, "linux.resources.devices");
    }
  return 0;
}
