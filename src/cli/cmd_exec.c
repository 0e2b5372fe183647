/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_container.h"
#include "cmd_options.h"
#include "core/utils.h"
#include "validate/validate.h"

enum exec_key
{
  E_PROCESS = 1,
  E_DETACH,
  E_TTY,
  E_CONSOLE_SOCKET,
  E_PID_FILE,
  E_CWD,
  E_ENV,
  E_USER,
  E_ADDITIONAL_GIDS,
  E_CAP,
  E_NO_NEW_PRIVS,
  E_APPARMOR,
  E_PROCESS_LABEL,
  E_PRESERVE_FDS,
  E_CGROUP,
  E_IGNORE_PAUSED,
  E_HELP,
};

static const struct cmd_option exec_opts[] = {
  { "process", 'p', CMD_OPT_VALUE, E_PROCESS, "FILE", "process.json to run (instead of ARGS)" },
  { "detach", 'd', CMD_OPT_FLAG, E_DETACH, NULL, "return once the process has started" },
  { "tty", 't', CMD_OPT_FLAG, E_TTY, NULL, "allocate a terminal" },
  { "console-socket", 0, CMD_OPT_VALUE, E_CONSOLE_SOCKET, "PATH", "receives the pty master" },
  { "pid-file", 0, CMD_OPT_VALUE, E_PID_FILE, "FILE", "write the process pid to FILE" },
  { "cwd", 0, CMD_OPT_VALUE, E_CWD, "DIR", "working directory in the container" },
  { "env", 'e', CMD_OPT_VALUE, E_ENV, "KEY=VALUE", "set an environment variable (repeatable)" },
  { "user", 'u', CMD_OPT_VALUE, E_USER, "UID[:GID]", "user to run as" },
  { "additional-gids", 'g', CMD_OPT_VALUE, E_ADDITIONAL_GIDS, "GID[,GID]",
    "supplementary groups (repeatable)" },
  { "cap", 'c', CMD_OPT_VALUE, E_CAP, "CAP", "add a capability (repeatable)" },
  { "no-new-privs", 0, CMD_OPT_FLAG, E_NO_NEW_PRIVS, NULL, "set no_new_privs" },
  { "apparmor", 0, CMD_OPT_VALUE, E_APPARMOR, "PROFILE", "AppArmor profile" },
  { "process-label", 0, CMD_OPT_VALUE, E_PROCESS_LABEL, "LABEL", "SELinux label" },
  { "preserve-fds", 0, CMD_OPT_VALUE, E_PRESERVE_FDS, "N", "pass fds 3..3+N-1" },
  { "cgroup", 0, CMD_OPT_VALUE, E_CGROUP, "[CTRL:]PATH",
    "run in an existing sub-cgroup of the container's (repeatable)" },
  { "ignore-paused", 0, CMD_OPT_FLAG, E_IGNORE_PAUSED, NULL,
    "exec in a paused container too (the process starts once it is resumed)" },
  { "help", 'h', CMD_OPT_FLAG, E_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct str_list
{
  char **v;
  size_t n;
};

struct exec_cmd
{
  const char *process_file, *console_socket, *pid_file, *cwd, *user, *apparmor, *label;
  bool detach, tty, tty_set, no_new_privs, ignore_paused, help;
  int preserve_fds;
  struct str_list env, caps, cgroups;
  uint32_t *gids;
  size_t gids_len;
};

static void
str_list_add (struct str_list *l, const char *s)
{
  l->v = xrealloc (l->v, (l->n + 2) * sizeof (char *));
  l->v[l->n++] = xstrdup (s);
  l->v[l->n] = NULL;
}

static int
add_gids (struct exec_cmd *e, const char *value, casing_error_t *err)
{
  cleanup_free char *copy = xstrdup (value);
  char *save = NULL;

  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      int64_t g;
      if (parse_int64 (t, &g) < 0 || g < 0 || g > UINT32_MAX)
        return casing_error_set (err, EINVAL, "invalid --additional-gids `%s`", value);
      e->gids = xrealloc (e->gids, (e->gids_len + 1) * sizeof (uint32_t));
      e->gids[e->gids_len++] = (uint32_t) g;
    }
  return 0;
}

static int
exec_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct exec_cmd *e = data;
  int64_t n;

  switch (key)
    {
    case E_PROCESS: e->process_file = value; return 0;
    case E_DETACH: return cmd_flag_value (value, &e->detach, err);
    case E_TTY: e->tty_set = true; return cmd_flag_value (value, &e->tty, err);
    case E_CONSOLE_SOCKET: e->console_socket = value; return 0;
    case E_PID_FILE: e->pid_file = value; return 0;
    case E_CWD: e->cwd = value; return 0;
    case E_ENV: str_list_add (&e->env, value); return 0;
    case E_USER: e->user = value; return 0;
    case E_ADDITIONAL_GIDS: return add_gids (e, value, err);
    case E_CAP: str_list_add (&e->caps, value); return 0;
    case E_NO_NEW_PRIVS: return cmd_flag_value (value, &e->no_new_privs, err);
    case E_APPARMOR: e->apparmor = value; return 0;
    case E_PROCESS_LABEL: e->label = value; return 0;
    case E_PRESERVE_FDS:
      if (parse_int64 (value, &n) < 0 || n < 0 || n > 65536)
        return casing_error_set (err, EINVAL, "invalid --preserve-fds `%s`", value);
      e->preserve_fds = (int) n;
      return 0;
    case E_CGROUP: str_list_add (&e->cgroups, value); return 0;
    case E_IGNORE_PAUSED: return cmd_flag_value (value, &e->ignore_paused, err);
    case E_HELP: e->help = true; return 0;
    }
  return casing_error_set (err, EINVAL, "internal error: unknown option key %d", key);
}

/* KEY=VALUE replaces an existing KEY, else is appended. */
static void
env_merge (oci_process *p, const struct str_list *add)
{
  for (size_t i = 0; i < add->n; i++)
    {
      const char *eq = strchr (add->v[i], '=');
      size_t klen = eq ? (size_t) (eq - add->v[i]) : strlen (add->v[i]);
      size_t j;
      for (j = 0; j < p->env_len; j++)
        if (strncmp (p->env[j], add->v[i], klen) == 0 && p->env[j][klen] == '=')
          break;
      if (j == p->env_len)
        {
          p->env = xrealloc (p->env, (p->env_len + 2) * sizeof (char *));
          p->env_len++;
        }
      p->env[j] = add->v[i];
      p->env[p->env_len] = NULL;
    }
}

static bool
list_has_key (const struct str_list *l, const char *key)
{
  size_t klen = strlen (key);
  for (size_t i = 0; i < l->n; i++)
    if (strncmp (l->v[i], key, klen) == 0 && l->v[i][klen] == '=')
      return true;
  return false;
}

/* Drop KEY from the environment (the vector is ours, the strings shared). */
static void
env_unset (oci_process *p, const char *key)
{
  size_t klen = strlen (key), out = 0;
  for (size_t i = 0; i < p->env_len; i++)
    if (!(strncmp (p->env[i], key, klen) == 0 && p->env[i][klen] == '='))
      p->env[out++] = p->env[i];
  p->env_len = out;
  p->env[out] = NULL;
}

static char **
str_vec_append (char **v, size_t *n, const struct str_list *add)
{
  char **out = xmalloc0 ((*n + add->n + 1) * sizeof (char *));
  for (size_t i = 0; i < *n; i++)
    out[i] = v[i];
  for (size_t i = 0; i < add->n; i++)
    out[*n + i] = add->v[i];
  *n += add->n;
  return out;
}

static int
apply_user (oci_process *p, const struct exec_cmd *e, casing_error_t *err)
{
  oci_user *u = xmalloc0 (sizeof *u);
  int64_t uid, gid = 0;
  cleanup_free char *copy = NULL;
  char *colon;

  if (p->user)
    *u = *p->user;
  p->user = u;
  if (e->user)
    {
      copy = xstrdup (e->user);
      colon = strchr (copy, ':');
      if (colon)
        *colon++ = '\0';
      if (parse_int64 (copy, &uid) < 0 || uid < 0 || uid > UINT32_MAX
          || (colon && (parse_int64 (colon, &gid) < 0 || gid < 0 || gid > UINT32_MAX)))
        return casing_error_set (err, EINVAL, "invalid --user `%s`: use UID[:GID]", e->user);
      u->has_uid = u->has_gid = true;
      u->uid = (uint32_t) uid;
      u->gid = (uint32_t) gid;
    }
  if (e->gids_len)
    {
      u->additional_gids = e->gids;
      u->additional_gids_len = e->gids_len;
    }
  return 0;
}

/* The container's own process, changed only where an option says so: same
 * env, user, capabilities, rlimits and labels as the init. */
static int
build_process (const struct exec_cmd *e, const oci_config *config, char **args, size_t n_args,
               oci_process **out, casing_error_t *err)
{
  oci_process *p = xmalloc0 (sizeof *p);

  if (config->process)
    *p = *config->process;
  p->args = args;
  p->args_len = n_args;
  p->has_terminal = true;
  p->terminal = e->tty;
  p->console_size = NULL;
  p->env = str_vec_append (p->env, &p->env_len, &(struct str_list){ 0 });
  /* The container's HOME is its user's: another --user gets its own from
   * the container's /etc/passwd (at exec), unless --env sets one. */
  if (e->user && !list_has_key (&e->env, "HOME"))
    env_unset (p, "HOME");
  env_merge (p, &e->env);
  if (e->cwd)
    p->cwd = (char *) e->cwd;
  if (p->cwd == NULL)
    p->cwd = (char *) "/";
  if (apply_user (p, e, err) < 0)
    return -1;
  if (e->caps.n)
    {
      oci_capabilities *c = xmalloc0 (sizeof *c);
      if (p->capabilities)
        *c = *p->capabilities;
      c->bounding = str_vec_append (c->bounding, &c->bounding_len, &e->caps);
      c->effective = str_vec_append (c->effective, &c->effective_len, &e->caps);
      c->permitted = str_vec_append (c->permitted, &c->permitted_len, &e->caps);
      p->capabilities = c;
    }
  if (e->no_new_privs)
    p->has_no_new_privileges = p->no_new_privileges = true;
  if (e->apparmor)
    p->apparmor_profile = (char *) e->apparmor;
  if (e->label)
    p->selinux_label = (char *) e->label;
  *out = p;
  return 0;
}

/* A process.json without LSM labels runs under the container's, as runc
 * does: leaving them out must not take the process out of the container's
 * confinement. */
static int
inherit_labels (const char *root, const char *id, oci_process *p, casing_error_t *err)
{
  oci_config *config = NULL;
  if (p->selinux_label && p->apparmor_profile)
    return 0;
  if (container_load_config (root, id, &config, err) < 0)
    return -1;
  const oci_process *cp = config->process;
  if (p->selinux_label == NULL && cp && cp->selinux_label)
    p->selinux_label = xstrdup (cp->selinux_label);
  if (p->apparmor_profile == NULL && cp && cp->apparmor_profile)
    p->apparmor_profile = xstrdup (cp->apparmor_profile);
  oci_config_free (config);
  return 0;
}

static int
load_process (const struct exec_cmd *e, const char *id, struct global_options *g, int argc,
              char **argv, oci_process **out, casing_error_t *err)
{
  oci_config *config = NULL;
  char *msg = NULL;
  int r;

  if (e->process_file)
    {
      if (argc > 0)
        return casing_error_set (err, EINVAL, "exec: both --process and a command given");
      if (oci_process_parse_file (e->process_file, out, &msg) < 0)
        return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("invalid process file"));
      if (e->tty_set)
        (*out)->has_terminal = true, (*out)->terminal = e->tty;
      return inherit_labels (g->root, id, *out, err);
    }
  if (argc == 0)
    return casing_error_set (err, EINVAL, "exec: missing the command to run");
  if (container_load_config (g->root, id, &config, err) < 0)
    return -1;
  /* The config is not freed: the process shares its strings. */
  r = build_process (e, config, argv, argc, out, err);
  return r;
}

int
cmd_exec (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct exec_cmd e = { 0 };
  oci_process *process = NULL;
  int first = cmd_parse_options ("exec", exec_opts, argc - 1, argv + 1, exec_option, &e, err);

  if (first < 0)
    return -1;
  first++;
  if (e.help)
    {
      cmd_print_help (stdout, "casing exec [options] ID [--] [COMMAND [ARG...]]",
                      "Run a new process inside a container.", exec_opts);
      return 0;
    }
  if (first >= argc)
    return casing_error_set (err, EINVAL, "exec: missing the container id");
  if (load_process (&e, argv[first], g, argc - first - 1, argv + first + 1, &process, err) < 0)
    return -1;
  /* The rules `create` applies to config.json (an id above 2^31-1...). */
  if (validate_process_for_exec (process, e.process_file ? e.process_file : "exec", err) < 0)
    return -1;
  struct container_exec_options o = {
    .root = g->root,
    .id = argv[first],
    .process = process,
    .console_socket = e.console_socket,
    .pid_file = e.pid_file,
    .preserve_fds = e.preserve_fds,
    .detach = e.detach,
    .ignore_paused = e.ignore_paused,
    .cgroups = e.cgroups.v,
    .n_cgroups = e.cgroups.n,
  };
  return container_exec (&o, err);
}
