/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.sysctl: only parameters that belong to a namespace the container
 * has of its own may be written; anything else would change the host. */
#include <errno.h>
#include <string.h>

#include "isolation_internal.h"
#include "core/procfs.h"
#include "core/utils.h"

static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* sysctl(8) accepts both "net.ipv4.ip_forward" and "net/ipv4/ip_forward". */
static char *
sysctl_dotted (const char *key)
{
  char *k = xstrdup (key);
  if (strchr (k, '/'))
    for (char *p = k; *p; p++)
      if (*p == '/')
        *p = '.';
  return k;
}

static const char *
sysctl_namespace_for (const char *dotted)
{
  for (size_t i = 0; i < sizeof ipc_keys / sizeof ipc_keys[0]; i++)
    if (strcmp (dotted, ipc_keys[i]) == 0)
      return "ipc";
  if (strncmp (dotted, "fs.mqueue.", 10) == 0)
    return "ipc";
  if (strcmp (dotted, "kernel.hostname") == 0 || strcmp (dotted, "kernel.domainname") == 0)
    return "uts";
  if (strncmp (dotted, "net.", 4) == 0)
    return "network";
  return NULL;
}

/* The namespace type (OCI name) key `key` belongs to, or NULL. */
static const char *
sysctl_key_namespace (const char *key)
{
  cleanup_free char *dotted = sysctl_dotted (key);
  return sysctl_namespace_for (dotted);
}

int
sysctl_check_allowed (const oci_config *config, const char *key, casing_error_t *err)
{
  const char *ns;

  if (key == NULL || key[0] == '\0' || strstr (key, "..") || key[0] == '/' || key[0] == '.')
    return casing_error_set (err, EINVAL, "linux.sysctl: invalid key `%s`", key ? key : "");
  ns = sysctl_key_namespace (key);
  if (ns == NULL)
    return casing_error_set (err, EPERM, "linux.sysctl: `%s` is not namespaced: it would change the host",
                             key);
  if (! config_has_namespace (config, ns))
    return casing_error_set (err, EPERM, "linux.sysctl: `%s` requires a `%s` namespace", key, ns);
  return 0;
}

/* A namespace joined by path may be the runtime's own (/proc/self/ns/net,
 * a bind mount of /proc/1/ns/net...): its sysctls are the host's.  Which
 * namespace a path leads to is told by identity, never by name. */
int
sysctl_check_not_runtime_ns (const oci_config *config, const char *key, casing_error_t *err)
{
  const char *type = sysctl_key_namespace (key);
  const oci_namespace *ns = type ? config_get_namespace (config, type) : NULL;
  struct ns_identity joined, own;

  if (ns == NULL || ns->path == NULL)
    return 0; /* a new namespace, or refused by sysctl_check_allowed */
  if (namespace_identity_of_path (ns->path, &joined, err) < 0
      || namespace_identity_current (namespace_lookup (type)->proc_name, &own, err) < 0)
    return casing_error_prefix (err, "linux.sysctl: `%s`", key);
  if (namespace_identity_equal (&joined, &own))
    return casing_error_set (err, EPERM,
                             "linux.sysctl: `%s` would be written in the runtime's own %s namespace "
                             "(the host's): linux.namespaces[%zu].path `%s` is that namespace",
                             key, type, (size_t) (ns - config->linux_->namespaces), ns->path);
  return 0;
}

int
namespace_joined_is_runtimes (const oci_config *config, const char *type, casing_error_t *err)
{
  const oci_namespace *ns = config_get_namespace (config, type);
  struct ns_identity joined, own;

  if (ns == NULL || ns->path == NULL)
    return 0;
  if (namespace_identity_of_path (ns->path, &joined, err) < 0
      || namespace_identity_current (namespace_lookup (type)->proc_name, &own, err) < 0)
    return -1;
  return namespace_identity_equal (&joined, &own);
}

/* The /proc/sys path of a key: dots become slashes unless the key is
 * already written with slashes (then dots are part of a name: "eth0.100"). */
char *
sysctl_proc_path (const char *key)
{
  char *p;
  xasprintf (&p, "sys/%s", key);
  if (strchr (key, '/') == NULL)
    for (char *c = p + 4; *c; c++)
      if (*c == '.')
        *c = '/';
  return p;
}

/* In the child, once every namespace is joined: the authoritative check
 * (the validation refused keys of no namespace, or of one the container
 * does not have).  Whatever the paths led to when they were validated,
 * what counts is the namespace we are in now, compared with the
 * runtime's, recorded before clone (namespaces_record_runtime); a key of
 * no namespace cannot be shown not to be the host's. */
static int
sysctl_check_key_here (const char *key, casing_error_t *err)
{
  const char *type = sysctl_key_namespace (key);
  int own;

  if (type == NULL)
    return casing_error_set (err, EPERM, "linux.sysctl: `%s` is not namespaced: it would change the host", key);
  own = namespace_is_runtimes (type, err);
  if (own < 0)
    return casing_error_prefix (err, "linux.sysctl: `%s`", key);
  if (own)
    return casing_error_set (err, EPERM,
                             "linux.sysctl: `%s`: the container is in the runtime's own %s namespace "
                             "(the host's): refusing to write it",
                             key, type);
  return 0;
}

int
sysctl_apply (const oci_config *config, casing_error_t *err)
{
  const oci_map *m = config->linux_ ? config->linux_->sysctl : NULL;

  /* Every key is checked before any is written. */
  for (size_t i = 0; m && i < m->len; i++)
    if (sysctl_check_key_here (m->items[i].key, err) < 0)
      return -1;
  for (size_t i = 0; m && i < m->len; i++)
    {
      const char *value = m->items[i].value ? m->items[i].value : "";
      cleanup_free char *path = sysctl_proc_path (m->items[i].key);

      /* procfs_write_verified refuses anything that is not procfs: a
       * bind-mounted lookalike of /proc/sys cannot take the value. */
      if (procfs_write_verified (path, value, strlen (value), err) < 0)
        return casing_error_prefix (err, "linux.sysctl.%s", m->items[i].key);
    }
  return 0;
}
