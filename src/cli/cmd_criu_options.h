/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CRIU options `checkpoint` and `restore` share (struct
 * criu_common_options): one key space and one handler; each command's table
 * says what the option means for it. */
#ifndef CASING_CLI_CMD_CRIU_OPTIONS_H
#define CASING_CLI_CMD_CRIU_OPTIONS_H

#include "container/criu.h"
#include "core/error.h"

enum criu_common_key
{
  CRIU_K_IMAGE_PATH = 1000,
  CRIU_K_WORK_PATH,
  CRIU_K_TCP_ESTABLISHED,
  CRIU_K_EXT_UNIX_SK,
  CRIU_K_SHELL_JOB,
  CRIU_K_FILE_LOCKS,
  CRIU_K_LINK_REMAP,
  CRIU_K_LAZY_PAGES,
  CRIU_K_AUTO_DEDUP,
  CRIU_K_CGROUPS_MODE,
  CRIU_K_EMPTY_NS,
};

/* 0 or -1 when `key` is one of the above, 1 when it is not. */
int cmd_criu_common_option (struct criu_common_options *c, int key, const char *value, casing_error_t *err);

#endif
