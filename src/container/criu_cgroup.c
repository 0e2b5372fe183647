/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroups of a process as CRIU wants them: the freezer that stops a
 * container at once for a dump, and at restore, per controller, the
 * cgroup (the new container's, where criu itself was put) that replaces
 * the dumped container's in the images. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"

char *
criu_proc_cgroup (pid_t pid, casing_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  char *text = NULL;
  size_t len;

  xasprintf (&path, "%d/cgroup", (int) pid);
  fd = procfs_open_verified (path, O_RDONLY, err);
  if (fd < 0 || read_all_fd (fd, path, &text, &len, err) < 0)
    return NULL;
  return text;
}

static bool
list_has (const char *list, const char *item)
{
  size_t n = strlen (item);
  for (const char *p = list; p && *p;)
    {
      size_t len = strcspn (p, ",");
      if (len == n && strncmp (p, item, n) == 0)
        return true;
      p += len + (p[len] == ',');
    }
  return false;
}

/* Where the hierarchy holding `controller` (v1), or cgroup2 when NULL, is
 * mounted in our namespace, joined with `path` (a cgroup of that
 * hierarchy as /proc/PID/cgroup shows it). */
static char *
hierarchy_path (const char *controller, const char *path)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  char *line = NULL, *out = NULL;
  size_t cap = 0;

  while (f && out == NULL && getline (&line, &cap, f) > 0)
    {
      char root[4096], target[4096], fstype[64], super[1024];
      const char *sep = strstr (line, " - ");
      size_t rlen;
      if (sep == NULL || sscanf (line, "%*d %*d %*s %4095s %4095s", root, target) != 2
          || sscanf (sep + 3, "%63s %*s %1023s", fstype, super) != 2)
        continue;
      if (controller ? strcmp (fstype, "cgroup") != 0 || !list_has (super, controller)
                     : strcmp (fstype, "cgroup2") != 0)
        continue;
      /* A mount showing part of the tree: the cgroup must be below it. */
      rlen = strcmp (root, "/") == 0 ? 0 : strlen (root);
      if (strncmp (path, root, rlen) != 0 || (path[rlen] != '/' && path[rlen] != '\0'))
        continue;
      xasprintf (&out, "%s%s", target, path + rlen);
    }
  free (line);
  return out;
}

char *
criu_freezer_path (pid_t pid)
{
  cleanup_free char *text = criu_proc_cgroup (pid, NULL);
  char *save = NULL, *v2 = NULL;

  for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
    {
      char *ctrls = strchr (l, ':'), *path;
      if (ctrls == NULL || (path = strchr (++ctrls, ':')) == NULL)
        continue;
      *path++ = '\0';
      if (list_has (ctrls, "freezer"))
        {
          free (v2);
          return hierarchy_path ("freezer", path);
        }
      if (*ctrls == '\0' && strncmp (l, "0:", 2) == 0 && v2 == NULL)
        v2 = xstrdup (path);
    }
  if (v2)
    {
      char *full = hierarchy_path (NULL, v2);
      free (v2);
      return full;
    }
  return NULL;
}

int
criu_cg_roots (pid_t pid, struct criu_opts *o, casing_error_t *err)
{
  cleanup_free char *text = criu_proc_cgroup (pid, err);
  char *save = NULL;

  if (text == NULL)
    return casing_error_prefix (err, "the cgroups of criu");
  for (char *l = strtok_r (text, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *ctrls = strchr (l, ':'), *path, *csave = NULL;
      if (ctrls == NULL || (path = strchr (++ctrls, ':')) == NULL)
        continue;
      *path++ = '\0';
      /* cgroup2 ("0::/path") is CRIU's controller "". */
      if (*ctrls == '\0')
        {
          criu_opts_add_cg_root (o, "", path);
          continue;
        }
      for (char *c = strtok_r (ctrls, ",", &csave); c; c = strtok_r (NULL, ",", &csave))
        criu_opts_add_cg_root (o, c, path);
    }
  return 0;
}

char **
criu_cgroup_dirs (const char *proc_cgroup)
{
  cleanup_free char *text = xstrdup (proc_cgroup ? proc_cgroup : "");
  char **v = xmalloc0 (sizeof (char *)), *save = NULL;
  size_t n = 0;

  for (char *l = strtok_r (text, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *ctrls = strchr (l, ':'), *path, *dir;
      if (ctrls == NULL || (path = strchr (++ctrls, ':')) == NULL)
        continue;
      *path++ = '\0';
      /* v1: the hierarchy of the first controller (or name=...). */
      ctrls[strcspn (ctrls, ",")] = '\0';
      dir = hierarchy_path (*ctrls ? ctrls : NULL, path);
      if (dir == NULL)
        continue;
      v = xrealloc (v, (n + 2) * sizeof (char *));
      v[n++] = dir;
      v[n] = NULL;
    }
  return v;
}
