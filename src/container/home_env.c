/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HOME of the container process when process.env has none, as runc and
 * crun set it: the home directory of its uid in the container's
 * /etc/passwd, "/" for a user that file does not know.  Images rarely set
 * HOME; shells and tools expect it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/utils.h"
#include "container_internal.h"

/* The image owns /etc/passwd: read at most this much of it. */
#define PASSWD_MAX (4 << 20)

static bool
env_has (char *const *env, const char *key)
{
  size_t klen = strlen (key);
  for (; env && *env; env++)
    if (strncmp (*env, key, klen) == 0 && (*env)[klen] == '=')
      return true;
  return false;
}

/* Field `n` (0-based) of a passwd line, up to `end`; NULL if missing. */
static const char *
passwd_field (const char *line, const char *end, int n, size_t *len)
{
  const char *p = line;
  for (int i = 0; i < n; i++)
    {
      p = memchr (p, ':', (size_t) (end - p));
      if (p == NULL)
        return NULL;
      p++;
    }
  const char *colon = memchr (p, ':', (size_t) (end - p));
  *len = (size_t) ((colon ? colon : end) - p);
  return p;
}

char *
passwd_home_of (const char *text, uid_t uid)
{
  char want[32];
  size_t wlen = (size_t) snprintf (want, sizeof want, "%u", (unsigned) uid);

  for (const char *line = text; line && *line;)
    {
      const char *nl = strchr (line, '\n');
      const char *end = nl ? nl : line + strlen (line);
      size_t ulen = 0, hlen = 0;
      const char *u = passwd_field (line, end, 2, &ulen);
      const char *h = passwd_field (line, end, 5, &hlen);
      /* No NIS "+" entries or comments: only a line naming the uid. */
      if (line[0] != '+' && line[0] != '-' && line[0] != '#' && u && h && ulen == wlen
          && memcmp (u, want, wlen) == 0)
        {
          char *home = xmalloc0 (hlen + 2);
          memcpy (home, hlen ? h : "/", hlen ? hlen : 1);
          return home;
        }
      line = nl ? nl + 1 : NULL;
    }
  return NULL;
}

/* /etc/passwd of the current root, as text; NULL when it cannot be read.
 * It is the image's: never wait on a FIFO or a device put there. */
static char *
read_passwd (void)
{
  cleanup_close int fd = open ("/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  size_t used = 0;
  char *buf;

  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return NULL;
  buf = xmalloc0 (PASSWD_MAX + 1);
  while (used < PASSWD_MAX)
    {
      ssize_t r = read (fd, buf + used, PASSWD_MAX - used);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      used += (size_t) r;
    }
  buf[used] = '\0';
  return buf;
}

uid_t
process_uid (const oci_process *p)
{
  return p && p->user && p->user->has_uid ? (uid_t) p->user->uid : 0;
}

char **
env_with_home (char **env, uid_t uid)
{
  cleanup_free char *text = NULL, *home = NULL;

  if (env_has (env, "HOME"))
    return env;
  text = read_passwd ();
  home = text ? passwd_home_of (text, uid) : NULL;
  log_debug ("HOME not in process.env: %s for uid %u", home ? home : "/", (unsigned) uid);
  return env_set (env, "HOME", home ? home : "/");
}
