/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1 device control: the rules written in order to devices.deny
 * and devices.allow (the first one, "a", resets the cgroup to deny all),
 * or only the change from what the cgroup has (devices_v1_plan.c).  The
 * kernel takes one rule per write(2); both files stay open across the
 * rules. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "devices.h"
#include "core/utils.h"

static int
write_rules (struct cgroup_dir *d, const struct device_rule *rules, size_t n, casing_error_t *err)
{
  static const char *const files[2] = { "devices.deny", "devices.allow" };
  cleanup_close int deny = -1;
  cleanup_close int allow = -1;
  int *fds[2] = { &deny, &allow };
  char line[64];
  for (size_t i = 0; i < n; i++)
    {
      int k = rules[i].allow ? 1 : 0;
      if (rules[i].type == 'a' && rules[i].access == DEVICE_ACC_ALL)
        strcpy (line, "a");
      else
        device_rule_format (&rules[i], line, sizeof line);
      if (*fds[k] < 0 && (*fds[k] = openat (d->fd, files[k], O_WRONLY | O_CLOEXEC)) < 0)
        return casing_error_errno (err, "linux.resources.devices: open `%s/%s`", d->full, files[k]);
      if (write (*fds[k], line, strlen (line)) < 0)
        return casing_error_errno (err, "linux.resources.devices: write `%s` to `%s/%s`", line, d->full, files[k]);
    }
  return 0;
}

int
cgroup_devices_v1_apply (struct cgroup_dir *d, const struct device_rule *rules, size_t n, casing_error_t *err)
{
  cleanup_free char *current = NULL;
  cleanup_free struct device_rule *plan = NULL;
  size_t n_plan = 0;

  /* Only the difference when the cgroup already denies by default: a
   * running container keeps what stays allowed (devices_v1_plan.c). */
  if (cgroup_dir_read (d, "devices.list", &current, err) < 0)
    return -1;
  if (device_rules_v1_plan (current, rules, n, &plan, &n_plan) == 0)
    return write_rules (d, plan, n_plan, err);
  return write_rules (d, rules, n, err);
}
