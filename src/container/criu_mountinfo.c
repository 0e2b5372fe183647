/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/PID/mountinfo, parsed: the mounts of a container (dump) and of a
 * restored one against the host's (restore). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/procfs.h"
#include "core/utils.h"
#include "criu_internal.h"

static void
unescape (char *s)
{
  char *w = s;
  for (char *r = s; *r; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char) ((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

static bool
opts_have (const char *opts, const char *o)
{
  size_t n = strlen (o);
  for (const char *p = opts; *p;)
    {
      size_t len = strcspn (p, ",");
      if (len == n && strncmp (p, o, n) == 0)
        return true;
      p += len + (p[len] == ',');
    }
  return false;
}

static int
parse_line (char *l, struct minfo *m)
{
  char root[4096], target[4096], opts[1024], fstype[128];
  const char *sep = strstr (l, " - ");

  if (sep == NULL || sscanf (l, "%*d %*d %u:%u %4095s %4095s %1023s", &m->major, &m->minor, root, target, opts) != 5
      || sscanf (sep + 3, "%127s", fstype) != 1)
    return -1;
  unescape (root);
  unescape (target);
  m->root = xstrdup (root);
  m->target = xstrdup (target);
  m->fstype = xstrdup (fstype);
  m->ro = opts_have (opts, "ro");
  return 0;
}

void
criu_mountinfo_free (struct mlist *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->v[i].root);
      free (l->v[i].target);
      free (l->v[i].fstype);
    }
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

static int
mlist_parse (char *text, struct mlist *l)
{
  char *save = NULL;

  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      struct minfo m = { 0 };
      if (parse_line (line, &m) < 0)
        return -1;
      l->v = xrealloc (l->v, (l->n + 1) * sizeof *l->v);
      l->v[l->n++] = m;
    }
  return 0;
}

int
criu_mountinfo_of (const char *procpath, struct mlist *l, casing_error_t *err)
{
  cleanup_close int fd = procfs_open_verified (procpath, O_RDONLY, err);
  cleanup_free char *text = NULL;
  size_t len;

  if (fd < 0 || read_all_fd (fd, procpath, &text, &len, err) < 0)
    return -1;
  if (mlist_parse (text, l) < 0)
    return casing_error_set (err, EINVAL, "/proc/%s: unexpected line", procpath);
  return 0;
}

