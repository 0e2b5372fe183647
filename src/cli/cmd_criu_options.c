/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd_criu_options.h"
#include "cmd_options.h"

static bool *
flag_of (struct criu_common_options *c, int key)
{
  switch (key)
    {
    case CRIU_K_TCP_ESTABLISHED: return &c->tcp_established;
    case CRIU_K_EXT_UNIX_SK: return &c->ext_unix_sk;
    case CRIU_K_SHELL_JOB: return &c->shell_job;
    case CRIU_K_FILE_LOCKS: return &c->file_locks;
    case CRIU_K_LINK_REMAP: return &c->link_remap;
    case CRIU_K_LAZY_PAGES: return &c->lazy_pages;
    case CRIU_K_AUTO_DEDUP: return &c->auto_dedup;
    default: return NULL;
    }
}

int
cmd_criu_common_option (struct criu_common_options *c, int key, const char *value, casing_error_t *err)
{
  bool *flag = flag_of (c, key);
  uint32_t ns;

  if (flag)
    return cmd_flag_value (value, flag, err);
  switch (key)
    {
    case CRIU_K_IMAGE_PATH:
      c->image_path = value;
      return 0;
    case CRIU_K_WORK_PATH:
      c->work_path = value;
      return 0;
    case CRIU_K_CGROUPS_MODE:
      c->manage_cgroups_mode = value;
      return criu_cgroups_mode_check (value, err);
    case CRIU_K_EMPTY_NS:
      if (criu_empty_ns_flag (value, &ns, err) < 0)
        return -1;
      c->empty_ns |= ns;
      return 0;
    default:
      return 1;
    }
}
