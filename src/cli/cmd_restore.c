/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `casing restore`: runc's options, which conmon and containerd's shim
 * pass (-d, --pid-file, --console-socket, --bundle, --no-pivot...). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_container.h"
#include "cmd_criu_options.h"
#include "cmd_options.h"
#include "container/criu.h"
#include "core/utils.h"

enum restore_key
{
  R_CONSOLE_SOCKET = 1,
  R_TCP_CLOSE,
  R_BUNDLE,
  R_DETACH,
  R_PID_FILE,
  R_NO_SUBREAPER,
  R_NO_PIVOT,
  R_LSM_PROFILE,
  R_LSM_MOUNT_CONTEXT,
  R_HELP,
};

static const struct cmd_option restore_opts[] = {
  { "bundle", 'b', CMD_OPT_VALUE, R_BUNDLE, "DIR", "bundle directory (default: current directory)" },
  { "image-path", 0, CMD_OPT_VALUE, CRIU_K_IMAGE_PATH, "DIR", "the images to restore (default: ./checkpoint)" },
  { "work-path", 0, CMD_OPT_VALUE, CRIU_K_WORK_PATH, "DIR", "where criu writes restore.log (default: the image path)" },
  { "detach", 'd', CMD_OPT_FLAG, R_DETACH, NULL, "return once the container runs again" },
  { "pid-file", 0, CMD_OPT_VALUE, R_PID_FILE, "FILE", "write the container pid to FILE" },
  { "console-socket", 0, CMD_OPT_VALUE, R_CONSOLE_SOCKET, "PATH",
    "unix socket that receives the new pty master (process.terminal)" },
  { "tcp-established", 0, CMD_OPT_FLAG, CRIU_K_TCP_ESTABLISHED, NULL, "restore established TCP connections" },
  { "tcp-close", 0, CMD_OPT_FLAG, R_TCP_CLOSE, NULL, "restore TCP connections closed" },
  { "ext-unix-sk", 0, CMD_OPT_FLAG, CRIU_K_EXT_UNIX_SK, NULL, "allow unix sockets connected outside the container" },
  { "shell-job", 0, CMD_OPT_FLAG, CRIU_K_SHELL_JOB, NULL, "restore a shell job (session and terminal from outside)" },
  { "file-locks", 0, CMD_OPT_FLAG, CRIU_K_FILE_LOCKS, NULL, "restore file locks" },
  { "link-remap", 0, CMD_OPT_FLAG, CRIU_K_LINK_REMAP, NULL, "accept files linked back at checkpoint" },
  { "manage-cgroups-mode", 0, CMD_OPT_VALUE, CRIU_K_CGROUPS_MODE, "MODE",
    "cgroup settings of the images: soft (default), full, strict or ignore" },
  { "empty-ns", 0, CMD_OPT_VALUE, CRIU_K_EMPTY_NS, "NS", "make namespace NS (network) empty" },
  { "auto-dedup", 0, CMD_OPT_FLAG, CRIU_K_AUTO_DEDUP, NULL, "free the image pages once restored" },
  { "lazy-pages", 0, CMD_OPT_FLAG, CRIU_K_LAZY_PAGES, NULL, "take the memory from `criu lazy-pages` on demand" },
  { "lsm-profile", 0, CMD_OPT_VALUE, R_LSM_PROFILE, "TYPE:NAME",
    "restore under this LSM label (apparmor:PROFILE or selinux:LABEL)" },
  { "lsm-mount-context", 0, CMD_OPT_VALUE, R_LSM_MOUNT_CONTEXT, "CONTEXT", "SELinux context of restored mounts" },
  { "no-pivot", 0, CMD_OPT_FLAG, R_NO_PIVOT, NULL, "accepted for runc compatibility (criu sets the root)" },
  { "no-subreaper", 0, CMD_OPT_FLAG, R_NO_SUBREAPER, NULL, "in the foreground, do not reap the orphans of the container" },
  { "help", 'h', CMD_OPT_FLAG, R_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct restore_cmd
{
  struct container_restore_options o;
  bool detach, no_subreaper, help;
};

static int
restore_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct restore_cmd *c = data;
  struct container_restore_options *o = &c->o;
  int r = cmd_criu_common_option (&o->c, key, value, err);

  if (r <= 0)
    return r;
  switch (key)
    {
    case R_BUNDLE:
      o->bundle = value;
      return 0;
    case R_PID_FILE:
      o->pid_file = value;
      return 0;
    case R_CONSOLE_SOCKET:
      o->console_socket = value;
      return 0;
    case R_LSM_PROFILE:
      o->lsm_profile = value;
      return 0;
    case R_LSM_MOUNT_CONTEXT:
      o->lsm_mount_context = value;
      return 0;
    case R_DETACH:
      return cmd_flag_value (value, &c->detach, err);
    case R_TCP_CLOSE:
      return cmd_flag_value (value, &o->tcp_close, err);
    case R_NO_PIVOT:
      return cmd_flag_value (value, &o->no_pivot, err);
    case R_NO_SUBREAPER:
      return cmd_flag_value (value, &c->no_subreaper, err);
    case R_HELP:
      c->help = true;
      return 0;
    }
  return casing_error_set (err, EINVAL, "internal error: unknown option key %d", key);
}

static const char restore_description[] =
  "Make container ID again from the images of `casing checkpoint` (or runc's) and the\n"
  "bundle's config: the config's cgroup gets its limits (applied again after the\n"
  "restore), its bind mounts their sources, its namespaces joined by path their\n"
  "namespaces; the restored processes are checked against the config (namespaces,\n"
  "capabilities, no_new_privs, seccomp, LSM label, cgroups) before they run, and a\n"
  "restore that fails leaves nothing behind.  Afterwards ID is an ordinary container\n"
  "(state, exec, kill, delete).  In the foreground casing waits for it as `run` does.";

static const struct cmd_option *
long_option (const char *name, size_t len)
{
  for (const struct cmd_option *o = restore_opts; o->name; o++)
    if (strlen (o->name) == len && strncmp (o->name, name, len) == 0)
      return o;
  return NULL;
}

/* Whether the short options bundled in `a` ("-db") end with one that takes
 * the next argument as its value. */
static bool
short_takes_next (const char *a)
{
  for (const char *p = a + 1; *p; p++)
    for (const struct cmd_option *o = restore_opts; o->name; o++)
      if (o->short_name == *p && o->kind == CMD_OPT_VALUE)
        return p[1] == '\0';
  return false;
}

/* runc parses options the Go way, where `-name` is `--name`, and
 * containerd's shim (go-runc) passes `-no-subreaper`: such an argument
 * naming one of our long options is taken as that option.  The walk
 * skips option values and stops where the options end, as the parser. */
static void
accept_single_dash (int argc, char **argv, char **copies)
{
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i], *name = a + (a[1] == '-' ? 2 : 1);
      size_t len = strcspn (name, "=");
      const struct cmd_option *o;

      if (strcmp (a, "--") == 0 || a[0] != '-' || a[1] == '\0')
        return;
      o = len >= 2 ? long_option (name, len) : NULL;
      if (a[1] != '-' && o == NULL)
        {
          i += short_takes_next (a);
          continue;
        }
      if (o && a[1] != '-')
        {
          xasprintf (&copies[i], "-%s", a);
          argv[i] = copies[i];
        }
      if (o && o->kind == CMD_OPT_VALUE && name[len] != '=')
        i++;
    }
}

/* As `run` in the foreground: the restored process is our child. */
static int
restore_foreground (struct restore_cmd *c, casing_error_t *err)
{
  struct container_restored r = { .console_master = -1 };
  cleanup_close int master = -1;
  int status;

  if (foreground_block_signals (!c->no_subreaper, err) < 0)
    return -1;
  c->o.keep_console_master = c->o.console_socket == NULL;
  if (container_restore (&c->o, &r, cmd_log_warning, err) < 0)
    return -1;
  master = r.console_master;
  status = foreground_wait (r.pid, master, err);
  if (status < 0)
    return -1;
  if (container_delete (c->o.root, c->o.id, true, cmd_log_warning, err) < 0)
    return -1;
  return status;
}

static int
restore_command (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct restore_cmd c = { 0 };
  struct container_restored r = { .console_master = -1 };
  cleanup_free char *image_path = NULL;
  int first = cmd_parse_options ("restore", restore_opts, argc - 1, argv + 1, restore_option, &c, err);

  if (first < 0)
    return -1;
  if (c.help)
    {
      cmd_print_help (stdout, "casing restore [options] ID", restore_description, restore_opts);
      return 0;
    }
  if (cmd_single_id ("restore", first + 1, argc, argv, &c.o.id, err) < 0)
    return -1;
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
  c.o.systemd_cgroup = g->systemd_cgroup;
  c.o.no_cgroup = g->no_cgroup;
  c.o.rootless = g->rootless;
  if (!c.detach)
    return restore_foreground (&c, err);
  return container_restore (&c.o, &r, cmd_log_warning, err);
}

int
cmd_restore (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  char **copies = xmalloc0 ((size_t) (argc + 1) * sizeof (char *));
  int r;

  accept_single_dash (argc, argv, copies);
  r = restore_command (g, argc, argv, err);
  for (int i = 0; i < argc; i++)
    free (copies[i]);
  free (copies);
  return r;
}
