/* SPDX-License-Identifier: GPL-2.0-or-later */
/* User ids and the id mappings of a user namespace or an idmapped mount:
 * what setresuid(2), setgroups(2) and the kernel's uid_map/gid_map writes
 * (user_namespaces(7)) would refuse. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/utils.h"
#include "isolation/isolation.h"
#include "validate_checks.h"

/* setresuid(2), setresgid(2) and setgroups(2) read (uid_t)-1, 4294967295,
 * as "leave this id unchanged": such a uid would keep the process root.
 * Ids above INT32_MAX are negative wherever the kernel or a tool reads them
 * as signed, so the whole upper half is refused. */
#define VALIDATE_ID_MAX 2147483647u

/* The kernel takes at most 340 lines in a uid_map or gid_map. */
#define MAPPINGS_MAX 340

static void
validate_id (uint32_t id, const char *path, struct problem_list *out)
{
  if (id > VALIDATE_ID_MAX)
    problems_add (out, PROBLEM_ERROR, path,
                  "4294967295 would read as \"unchanged\" to setresuid(2)",
                  "%" PRIu32 " is out of range: ids go from 0 to %u", id, VALIDATE_ID_MAX);
}

void
validate_user (const oci_user *u, struct problem_list *out)
{
  if (u == NULL)
    return;
  if (u->has_uid)
    validate_id (u->uid, "process.user.uid", out);
  if (u->has_gid)
    validate_id (u->gid, "process.user.gid", out);
  for (size_t i = 0; i < u->additional_gids_len; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "process.user.additionalGids[%zu]", i);
      validate_id (u->additional_gids[i], path, out);
    }
}

static bool
ranges_overlap (uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
  return (uint64_t) a < (uint64_t) b + m && (uint64_t) b < (uint64_t) a + n;
}

/* One map as the kernel reads it: no empty or wrapping range, no range
 * overlapping another on either side, not too many lines. */
static void
check_map (const oci_id_mapping *m, size_t n, const char *field, struct problem_list *out)
{
  char path[96];

  if (n > MAPPINGS_MAX)
    problems_add (out, PROBLEM_ERROR, field, NULL, "%zu ranges: the kernel takes at most %d", n, MAPPINGS_MAX);
  for (size_t i = 0; i < n; i++)
    {
      snprintf (path, sizeof path, "%s[%zu]", field, i);
      if (m[i].size == 0)
        problems_add (out, PROBLEM_ERROR, path, NULL, "size 0 maps nothing");
      else if ((uint64_t) m[i].container_id + m[i].size > 4294967295u
               || (uint64_t) m[i].host_id + m[i].size > 4294967295u)
        problems_add (out, PROBLEM_ERROR, path, NULL, "the range goes past id 4294967294");
      for (size_t j = 0; j < i; j++)
        if (m[i].size && m[j].size
            && (ranges_overlap (m[i].container_id, m[i].size, m[j].container_id, m[j].size)
                || ranges_overlap (m[i].host_id, m[i].size, m[j].host_id, m[j].size)))
          problems_add (out, PROBLEM_ERROR, path, NULL, "overlaps %s[%zu]", field, j);
    }
}

static bool
mapped (const oci_id_mapping *m, size_t n, uint32_t id)
{
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].container_id && (uint64_t) id < (uint64_t) m[i].container_id + m[i].size)
      return true;
  return false;
}

/* Without CAP_SETUID/CAP_SETGID the kernel lets a process map only its own
 * id, once; more goes through newuidmap/newgidmap, which must be there (they
 * check the subordinate ranges themselves when create runs them). */
static void
check_unprivileged_map (const oci_id_mapping *m, size_t n, bool gid, const char *field, struct problem_list *out)
{
  if (userns_map_writer (m, n, gid) == USERNS_WRITE_HELPER && !userns_helper_available (gid))
    problems_add (out, PROBLEM_ERROR, field,
                  "install newuidmap/newgidmap (package uidmap) with ranges in /etc/subuid and /etc/subgid, "
                  "run as root, or map only your own id with size 1",
                  "mapping more than id %" PRIu32 " (casing's own) needs %s, which is not in $PATH",
                  gid ? (uint32_t) getegid () : (uint32_t) geteuid (), gid ? "newgidmap" : "newuidmap");
}

/* The init becomes root of the new user namespace, then process.user:
 * each of these ids must be mapped there. */
static void
check_user_mapped (const oci_config *c, struct problem_list *out)
{
  const oci_linux *l = c->linux_;
  const oci_user *u = c->process ? c->process->user : NULL;

  if (!mapped (l->uid_mappings, l->uid_mappings_len, 0))
    problems_add (out, PROBLEM_ERROR, "linux.uidMappings", "map containerID 0", "uid 0 of the container is not mapped");
  if (!mapped (l->gid_mappings, l->gid_mappings_len, 0))
    problems_add (out, PROBLEM_ERROR, "linux.gidMappings", "map containerID 0", "gid 0 of the container is not mapped");
  if (u == NULL)
    return;
  if (u->has_uid && !mapped (l->uid_mappings, l->uid_mappings_len, u->uid))
    problems_add (out, PROBLEM_ERROR, "process.user.uid", NULL, "uid %" PRIu32 " is not mapped by linux.uidMappings",
                  u->uid);
  if (u->has_gid && !mapped (l->gid_mappings, l->gid_mappings_len, u->gid))
    problems_add (out, PROBLEM_ERROR, "process.user.gid", NULL, "gid %" PRIu32 " is not mapped by linux.gidMappings",
                  u->gid);
  for (size_t i = 0; i < u->additional_gids_len; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "process.user.additionalGids[%zu]", i);
      if (!mapped (l->gid_mappings, l->gid_mappings_len, u->additional_gids[i]))
        problems_add (out, PROBLEM_ERROR, path, NULL, "gid %" PRIu32 " is not mapped by linux.gidMappings",
                      u->additional_gids[i]);
    }
  if (u->additional_gids_len > 0 && userns_denies_setgroups (c))
    problems_add (out, PROBLEM_ERROR, "process.user.additionalGids", "run as root, or leave them out",
                  "setgroups is denied in a user namespace mapped without CAP_SETGID");
}

void
validate_id_mappings (const oci_config *c, struct problem_list *out)
{
  const oci_linux *l = c->linux_;
  const oci_namespace *user = NULL;

  for (size_t i = 0; l && i < l->namespaces_len; i++)
    if (strcmp (l->namespaces[i].type, "user") == 0)
      user = &l->namespaces[i];
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "mounts[%zu].uidMappings", i);
      check_map (c->mounts[i].uid_mappings, c->mounts[i].uid_mappings_len, path, out);
      snprintf (path, sizeof path, "mounts[%zu].gidMappings", i);
      check_map (c->mounts[i].gid_mappings, c->mounts[i].gid_mappings_len, path, out);
    }
  if (l == NULL)
    return;
  check_map (l->uid_mappings, l->uid_mappings_len, "linux.uidMappings", out);
  check_map (l->gid_mappings, l->gid_mappings_len, "linux.gidMappings", out);
  /* A joined user namespace has its own maps; without mappings the
   * validation of namespaces already refused a new one (as root). */
  if (user == NULL || (user->path && *user->path) || l->uid_mappings_len == 0 || l->gid_mappings_len == 0)
    return;
  check_unprivileged_map (l->uid_mappings, l->uid_mappings_len, false, "linux.uidMappings", out);
  check_unprivileged_map (l->gid_mappings, l->gid_mappings_len, true, "linux.gidMappings", out);
  check_user_mapped (c, out);
}
