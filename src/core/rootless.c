/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootless.h"
#include "utils.h"

bool
rootless_in_user_namespace (void)
{
  cleanup_free char *map = NULL;
  unsigned long long inside, outside, count;
  int used = 0;

  /* No /proc to ask: assume the host's namespace; every privileged step
   * still meets the kernel's own checks. */
  if (read_all_file ("/proc/self/uid_map", &map, NULL, NULL) < 0)
    return false;
  if (sscanf (map, " %llu %llu %llu %n", &inside, &outside, &count, &used) != 3)
    return true;
  /* The initial namespace maps every id to itself in one line; any other
   * map (a second line, an offset, a shorter range) is a namespace made
   * by someone. */
  return !(inside == 0 && outside == 0 && count == UINT32_MAX && map[used] == '\0');
}

bool
rootless_detect (void)
{
  return geteuid () != 0 || rootless_in_user_namespace ();
}

int
rootless_state_root (const char *fallback, char **out, casing_error_t *err)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");

  if (xdg && *xdg)
    {
      if (xdg[0] != '/')
        return casing_error_set (err, EINVAL, "rootless: XDG_RUNTIME_DIR `%s` is not an absolute path; "
                                 "fix it or pass --root DIR", xdg);
      xasprintf (out, "%s/casing", xdg);
      return 0;
    }
  if (geteuid () == 0)
    {
      *out = xstrdup (fallback);
      return 0;
    }
  return casing_error_set (err, EINVAL, "rootless: XDG_RUNTIME_DIR is not set, so there is no default "
                           "state directory for uid %d; set XDG_RUNTIME_DIR or pass --root DIR",
                           (int) geteuid ());
}
