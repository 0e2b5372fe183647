/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `casing checkpoint`: the options of runc's, which engines pass. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_container.h"
#include "cmd_criu_options.h"
#include "cmd_options.h"
#include "container/criu.h"
#include "core/utils.h"

enum checkpoint_key
{
  K_PARENT_PATH = 1,
  K_LEAVE_RUNNING,
  K_TCP_SKIP_IN_FLIGHT,
  K_STATUS_FD,
  K_PAGE_SERVER,
  K_PRE_DUMP,
  K_HELP,
};

static const struct cmd_option checkpoint_opts[] = {
  { "image-path", 0, CMD_OPT_VALUE, CRIU_K_IMAGE_PATH, "DIR", "where the images go (default: ./checkpoint)" },
  { "work-path", 0, CMD_OPT_VALUE, CRIU_K_WORK_PATH, "DIR", "where criu writes dump.log (default: the image path)" },
  { "parent-path", 0, CMD_OPT_VALUE, K_PARENT_PATH, "DIR",
    "images of a previous pre-dump, relative to the image path: only changed pages are dumped" },
  { "leave-running", 0, CMD_OPT_FLAG, K_LEAVE_RUNNING, NULL, "keep the container running after the dump" },
  { "pre-dump", 0, CMD_OPT_FLAG, K_PRE_DUMP, NULL,
    "dump the memory only and keep the container running (iterative migration)" },
  { "tcp-established", 0, CMD_OPT_FLAG, CRIU_K_TCP_ESTABLISHED, NULL, "dump established TCP connections" },
  { "tcp-skip-in-flight", 0, CMD_OPT_FLAG, K_TCP_SKIP_IN_FLIGHT, NULL, "skip TCP connections being set up" },
  { "link-remap", 0, CMD_OPT_FLAG, CRIU_K_LINK_REMAP, NULL, "link unlinked open files back where possible" },
  { "ext-unix-sk", 0, CMD_OPT_FLAG, CRIU_K_EXT_UNIX_SK, NULL, "allow unix sockets connected outside the container" },
  { "shell-job", 0, CMD_OPT_FLAG, CRIU_K_SHELL_JOB, NULL, "allow a session and terminal from outside (shell jobs)" },
  { "file-locks", 0, CMD_OPT_FLAG, CRIU_K_FILE_LOCKS, NULL, "dump file locks" },
  { "lazy-pages", 0, CMD_OPT_FLAG, CRIU_K_LAZY_PAGES, NULL,
    "leave the memory to a page server, served on demand at restore (userfaultfd)" },
  { "page-server", 0, CMD_OPT_VALUE, K_PAGE_SERVER, "ADDRESS:PORT",
    "send the memory to a criu page server instead of the image path" },
  { "status-fd", 0, CMD_OPT_VALUE, K_STATUS_FD, "FD", "criu writes a 0 byte there once lazy pages can be served" },
  { "manage-cgroups-mode", 0, CMD_OPT_VALUE, CRIU_K_CGROUPS_MODE, "MODE",
    "cgroups in the images: soft (default), full, strict or ignore" },
  { "empty-ns", 0, CMD_OPT_VALUE, CRIU_K_EMPTY_NS, "NS", "restore namespace NS (network) empty" },
  { "auto-dedup", 0, CMD_OPT_FLAG, CRIU_K_AUTO_DEDUP, NULL, "free the parent's pages that this dump replaces" },
  { "help", 'h', CMD_OPT_FLAG, K_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct checkpoint_cmd
{
  struct container_checkpoint_options o;
  bool help;
};

static int
checkpoint_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct checkpoint_cmd *c = data;
  struct container_checkpoint_options *o = &c->o;
  int64_t n;
  int r = cmd_criu_common_option (&o->c, key, value, err);

  if (r <= 0)
    return r;
  switch (key)
    {
    case K_PARENT_PATH:
      o->parent_path = value;
      return 0;
    case K_LEAVE_RUNNING:
      return cmd_flag_value (value, &o->leave_running, err);
    case K_PRE_DUMP:
      return cmd_flag_value (value, &o->pre_dump, err);
    case K_TCP_SKIP_IN_FLIGHT:
      return cmd_flag_value (value, &o->tcp_skip_in_flight, err);
    case K_PAGE_SERVER:
      o->page_server = value;
      return 0;
    case K_STATUS_FD:
      if (parse_int64 (value, &n) < 0 || n < 0 || n > INT32_MAX)
        return casing_error_set (err, EINVAL, "invalid --status-fd `%s`", value);
      o->status_fd = (int) n;
      return 0;
    case K_HELP:
      c->help = true;
      return 0;
    }
  return casing_error_set (err, EINVAL, "internal error: unknown option key %d", key);
}

static const char checkpoint_description[] =
  "Save the state of a running container to disk with CRIU (criu 3.x, found at run time:\n"
  "`casing --criu PATH`, else `criu` in $PATH or the sbin directories).  Without\n"
  "--leave-running or --pre-dump the container is stopped and deleted once dumped;\n"
  "`casing restore` makes it again from the images.  CRIU gets the container's bind\n"
  "mounts, masked files and host device nodes as external mounts, the network and\n"
  "pid namespaces joined by path as external namespaces, the freezer cgroup, and its\n"
  "stdin/stdout/stderr (pipes and host files, reconnected at restore).";

int
cmd_checkpoint (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct checkpoint_cmd c = { .o = { .status_fd = -1 } };
  cleanup_free char *image_path = NULL;
  int first = cmd_parse_options ("checkpoint", checkpoint_opts, argc - 1, argv + 1, checkpoint_option, &c, err);

  if (first < 0)
    return -1;
  if (c.help)
    {
      cmd_print_help (stdout, "casing checkpoint [options] ID", checkpoint_description, checkpoint_opts);
      return 0;
    }
  if (cmd_single_id ("checkpoint", first + 1, argc, argv, &c.o.id, err) < 0)
    return -1;
  if (c.o.pre_dump && c.o.c.lazy_pages)
    return casing_error_set (err, EINVAL, "checkpoint: --pre-dump and --lazy-pages do not go together");
  if (c.o.c.image_path == NULL)
    {
      char cwd[PATH_MAX];
      if (getcwd (cwd, sizeof cwd) == NULL)
        return casing_error_errno (err, "getcwd");
      xasprintf (&image_path, "%s/checkpoint", cwd);
      c.o.c.image_path = image_path;
    }
  c.o.root = g->root;
  c.o.c.criu_path = g->criu;
  return container_checkpoint (&c.o, cmd_log_warning, err);
}
