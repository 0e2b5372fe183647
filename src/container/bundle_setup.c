/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "core/trace.h"
#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate/validate.h"
#include "bundle_setup.h"
#include "console.h"

static int
read_config (struct bundle_setup *b, casing_error_t *err)
{
  cleanup_free char *path = NULL;
  char *msg = NULL;
  char resolved[PATH_MAX];
  const char *dir = b->dir ? b->dir : ".";

  if (realpath (dir, resolved) == NULL)
    return casing_error_errno (err, "bundle `%s`", dir);
  b->bundle = xstrdup (resolved);
  xasprintf (&path, "%s/config.json", b->bundle);
  TRACE_START (t);
  if (read_all_file (path, &b->config_data, &b->config_len, err) < 0)
    return -1;
  if (oci_config_parse_data (b->config_data, b->config_len, "config.json", &b->config, &msg) < 0)
    return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("config.json: invalid"));
  TRACE_STEP (t, "parse", 1, path);
  return 0;
}

int
bundle_setup_load (struct bundle_setup *b, bool process_required, struct seccomp_program **seccomp,
                   casing_error_t *err)
{
  cleanup_free char *root = NULL;
  char resolved[PATH_MAX];

  if (read_config (b, err) < 0)
    return -1;
  TRACE_START (t);
  if (b->config->process == NULL && process_required)
    return casing_error_set (err, EINVAL, "config.json: a process is required");
  if (b->config->process && b->config->process->args_len == 0)
    return casing_error_set (err, EINVAL, "config.json: process.args must have an entry");
  if (validate_config_for_create (b->config, b->bundle, seccomp, err) < 0)
    return -1;
  if (b->systemd_cgroup
      && cgroup_systemd_check (b->config->linux_ ? b->config->linux_->cgroups_path : NULL, b->rootless, err) < 0)
    return -1;
  TRACE_STEP (t, "validate", 1, NULL);
  /* No process: the setup takes an empty one (root, no terminal, nothing
   * to apply); the init never runs it, `start` fails.  The config saved
   * for the other commands is the file as it was, without. */
  if (b->config->process == NULL)
    {
      b->config->process = xmalloc0 (sizeof (oci_process));
      b->no_process = true;
    }
  if (rootfs_resolve_path (b->config, b->bundle, &root, err) < 0)
    return -1;
  if (realpath (root, resolved) == NULL)
    return casing_error_errno (err, "root.path `%s`", root);
  b->rootfs = xstrdup (resolved);
  return 0;
}

int
bundle_setup_terminal (struct bundle_setup *b, casing_error_t *err)
{
  const oci_process *p = b->config->process;
  bool terminal = p->has_terminal && p->terminal;

  if (terminal && b->console_socket == NULL && !b->keep_console_master)
    return casing_error_set (err, EINVAL, "process.terminal is true: --console-socket is required");
  if (!terminal && b->console_socket)
    return casing_error_set (err, EINVAL, "--console-socket given but process.terminal is false");
  if (b->console_socket)
    {
      b->console_sock = console_socket_connect (b->console_socket, err);
      if (b->console_sock < 0)
        return -1;
    }
  return 0;
}

static oci_map *
map_dup (const oci_map *m)
{
  oci_map *c;
  if (m == NULL)
    return NULL;
  c = xmalloc0 (sizeof *c);
  for (size_t i = 0; i < m->len; i++)
    oci_map_set (c, m->items[i].key, m->items[i].value);
  return c;
}

int
bundle_setup_record_state (struct bundle_setup *b, casing_error_t *err)
{
  casing_state *s;

  if (state_store_create (b->root, b->id, &b->h, err) < 0)
    return -1;
  s = b->h->state;
  s->bundle = xstrdup (b->bundle);
  s->rootfs = xstrdup (b->rootfs);
  s->annotations = map_dup (b->config->annotations);
  s->has_systemd_cgroup = true;
  s->systemd_cgroup = b->systemd_cgroup;
  s->has_rootless = true;
  s->rootless = b->rootless;
  /* The cgroup we are about to make, so a killed command can be undone. */
  if (b->config->linux_ && b->config->linux_->cgroups_path)
    s->cgroup_path = xstrdup (b->config->linux_->cgroups_path);
  if (state_store_write (b->h, "config.json", b->config_data, b->config_len, err) < 0)
    return -1;
  s->config_path = state_store_path (b->h, "config.json");
  return state_store_save (b->h, err);
}

int
bundle_setup_cgroup (struct bundle_setup *b, casing_error_t *err)
{
  const oci_linux *l = b->config->linux_;
  struct cgroup_options opts = {
    .id = b->id,
    .cgroups_path = l ? l->cgroups_path : NULL,
    .systemd = b->systemd_cgroup,
    .rootless = b->rootless,
    /* No cgroup when told so (Podman --cgroups=disabled), or when the
     * config asks for nothing a cgroup gives (crun). */
    .disabled = b->no_cgroup
                || (!b->systemd_cgroup && (l == NULL || (l->cgroups_path == NULL && l->resources == NULL))),
    .devices = l ? l->devices : NULL,
    .devices_len = l ? l->devices_len : 0,
    .annotations = b->config->annotations,
  };

  if (cgroup_manager_create (&opts, l ? l->resources : NULL, &b->cgroup, err) < 0)
    return -1;
  if (cgroup_manager_save (b->cgroup, b->h->state, err) < 0)
    return -1;
  return state_store_save (b->h, err);
}

void
bundle_setup_release (struct bundle_setup *b)
{
  if (b->console_sock >= 0)
    close (b->console_sock);
  if (b->cgroup)
    cgroup_manager_free (b->cgroup);
  container_handle_free (b->h);
  oci_config_free (b->config);
  free (b->config_data);
  free (b->bundle);
  free (b->rootfs);
}
