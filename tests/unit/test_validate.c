/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared validation behind `check`, `create` and `exec`: ids the
 * kernel would misread are refused with their JSON path. */
#include <stdint.h>
#include <string.h>

#include "unit_test.h"
#include "core/utils.h"
#include "validate/validate.h"

static bool
refused (uint32_t uid, uint32_t gid, uint32_t extra, const char *path)
{
  uint32_t gids[] = { 0, extra };
  oci_user user = { .has_uid = true, .uid = uid, .has_gid = true, .gid = gid,
                    .additional_gids = gids, .additional_gids_len = 2 };
  oci_process p = { .user = &user };
  casing_error_t err = NULL;
  bool r = validate_process_for_exec (&p, "exec", &err) < 0;

  if (r && (err == NULL || strstr (err->msg, path) == NULL))
    {
      fprintf (stderr, "error without `%s`: %s\n", path, err ? err->msg : "(none)");
      r = false;
    }
  casing_error_release (&err);
  return r;
}

static void
test_user_ids (void)
{
  const uint32_t max = 2147483647u;
  oci_process no_user = { 0 };
  casing_error_t err = NULL;

  CHECK (!refused (0, 0, 0, ""));
  CHECK (!refused (max, max, max, ""));
  CHECK (refused (UINT32_MAX, 0, 0, "process.user.uid"));
  CHECK (refused (max + 1u, 0, 0, "process.user.uid"));
  CHECK (refused (0, UINT32_MAX, 0, "process.user.gid"));
  CHECK (refused (0, max + 1u, 0, "process.user.gid"));
  CHECK (refused (0, 0, UINT32_MAX, "process.user.additionalGids[1]"));
  CHECK (refused (0, 0, max + 1u, "process.user.additionalGids[1]"));
  CHECK (validate_process_for_exec (&no_user, "exec", &err) == 0);
}

int
main (void)
{
  UNIT_RUN (test_user_ids ());
  return unit_done ("test_validate");
}
