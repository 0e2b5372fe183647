/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checks on `mounts` (read through the mount code's own option parser,
 * isolation.h), and on maskedPaths and readonlyPaths. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate_checks.h"

/* The kinds of mount the options allow. */
static void
check_kind (const oci_mount *m, const struct mount_options *o, const char *path, struct problem_list *out)
{
  bool bind = mount_is_bind (m, o);
  char field[80];

  snprintf (field, sizeof field, "%s.type", path);
  if (!bind && m->type == NULL && !o->remount)
    problems_add (out, PROBLEM_ERROR, field, "e.g. \"tmpfs\", or \"bind\" with a source",
                  "required for a mount that is not a bind mount");
  if (o->idmap && !bind)
    problems_add (out, PROBLEM_ERROR, path, NULL, "`idmap` is only supported on bind mounts");
  if (o->tmpcopyup && (m->type == NULL || strcmp (m->type, "tmpfs") != 0))
    problems_add (out, PROBLEM_ERROR, path, NULL, "`tmpcopyup` is only supported on tmpfs");
}

/* A bind mount's source is a host path (relative to the bundle). */
static void
check_bind_source (const oci_mount *m, const struct mount_options *o, const char *bundle, const char *path,
                   struct problem_list *out)
{
  cleanup_free char *src = mount_source_path (bundle, m->source);
  char field[80];
  struct stat st;

  if (!mount_is_bind (m, o) || o->remount)
    return;
  snprintf (field, sizeof field, "%s.source", path);
  if (src == NULL)
    problems_add (out, PROBLEM_ERROR, field, NULL, "required for a bind mount");
  else if (stat (src, &st) < 0)
    problems_add (out, PROBLEM_ERROR, field, "a relative source is taken from the bundle directory",
                  "`%s` %s", src, errno == ENOENT ? "does not exist" : "cannot be reached");
}

/* An idmapped mount takes its own mappings, else the container's. */
static void
check_idmap (const oci_config *c, const oci_mount *m, const struct mount_options *o, const char *path,
             struct problem_list *out)
{
  const oci_linux *l = c->linux_;

  if ((m->uid_mappings_len > 0) != (m->gid_mappings_len > 0))
    problems_add (out, PROBLEM_ERROR, path, NULL, "an idmapped mount needs both uidMappings and gidMappings");
  else if (o->idmap && m->uid_mappings_len == 0
           && !(l && l->uid_mappings_len && l->gid_mappings_len && config_has_namespace (c, "user")))
    problems_add (out, PROBLEM_ERROR, path, "give the mount uidMappings and gidMappings",
                  "`idmap` needs mappings on the mount or a user namespace with mappings");
}

static void
check_mount (const oci_config *c, size_t i, const char *bundle, struct problem_list *out)
{
  cleanup_casing_error casing_error_t err = NULL;
  const oci_mount *m = &c->mounts[i];
  struct mount_options o;
  char path[64], field[80];

  snprintf (path, sizeof path, "mounts[%zu]", i);
  snprintf (field, sizeof field, "%s.destination", path);
  if (m->destination[0] == '\0')
    problems_add (out, PROBLEM_ERROR, field, NULL, "must not be empty");
  else if (m->destination[0] != '/')
    problems_add (out, PROBLEM_WARNING, field, "it is taken relative to the container's /", "\"%s\" is not absolute",
                  m->destination);
  snprintf (field, sizeof field, "%s.options", path);
  if (mount_options_parse (m->options, m->options_len, &o, &err) < 0)
    {
      problems_add (out, PROBLEM_ERROR, field, NULL, "%s", err ? err->msg : "cannot be combined");
      return;
    }
  check_kind (m, &o, path, out);
  check_bind_source (m, &o, bundle, path, out);
  check_idmap (c, m, &o, path, out);
  mount_options_release (&o);
}

static void
check_paths (char **paths, size_t n, const char *field, struct problem_list *out)
{
  for (size_t i = 0; i < n; i++)
    if (paths[i][0] != '/')
      {
        char path[64];
        snprintf (path, sizeof path, "%s[%zu]", field, i);
        problems_add (out, PROBLEM_ERROR, path, "the spec requires an absolute path", "\"%s\" is not absolute",
                      paths[i]);
      }
}

void
validate_mounts (const oci_config *c, const char *bundle, struct problem_list *out)
{
  for (size_t i = 0; i < c->mounts_len; i++)
    check_mount (c, i, bundle, out);
  if (c->linux_)
    {
      check_paths (c->linux_->masked_paths, c->linux_->masked_paths_len, "linux.maskedPaths", out);
      check_paths (c->linux_->readonly_paths, c->linux_->readonly_paths_len, "linux.readonlyPaths", out);
    }
}
