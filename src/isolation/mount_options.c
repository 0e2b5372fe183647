/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OCI mount option strings (config.md "Linux mount options") as a table:
 * each name says what it changes, for mount(2) (MS_*) and for mount_setattr
 * (MOUNT_ATTR_*).  Anything not in the table is filesystem data. */
#include <errno.h>
#include <string.h>

#include "isolation_internal.h"
#include "core/utils.h"

enum option_kind
{
  OPT_FLAG,       /* per-mount flag set (ms + attr) */
  OPT_CLEAR,      /* per-mount flag cleared */
  OPT_ATIME,      /* one of the atime modes: attr is the MOUNT_ATTR__ATIME value */
  OPT_SB,         /* superblock flag: only a new mount(2) can set it */
  OPT_SB_CLEAR,
  OPT_REC_SET,    /* recursive attribute (mount_setattr AT_RECURSIVE) */
  OPT_REC_CLEAR,
  OPT_REC_ATIME,
  OPT_PROPAGATION,
  OPT_BIND,
  OPT_RBIND,
  OPT_REMOUNT,
  OPT_IDMAP,
  OPT_RIDMAP,
  OPT_TMPCOPYUP,
  OPT_IGNORE,     /* "defaults": the kernel defaults, nothing to pass */
};

struct option_def
{
  const char *name;
  enum option_kind kind;
  unsigned long ms;   /* MS_* (or propagation MS_* for OPT_PROPAGATION) */
  uint64_t attr;      /* MOUNT_ATTR_* */
  bool recursive;     /* OPT_PROPAGATION: the r form */
};

/* "atime"/"nostrictatime" mean "the kernel default", which is relatime;
 * "norelatime" without anything else means every access updates atime. */
static const struct option_def option_table[] = {
  { "async", OPT_SB_CLEAR, MS_SYNCHRONOUS, 0, false },
  { "atime", OPT_ATIME, 0, MOUNT_ATTR_RELATIME, false },
  { "bind", OPT_BIND, 0, 0, false },
  { "defaults", OPT_IGNORE, 0, 0, false },
  { "dev", OPT_CLEAR, MS_NODEV, MOUNT_ATTR_NODEV, false },
  { "diratime", OPT_CLEAR, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, false },
  { "dirsync", OPT_SB, MS_DIRSYNC, 0, false },
  { "exec", OPT_CLEAR, MS_NOEXEC, MOUNT_ATTR_NOEXEC, false },
  { "idmap", OPT_IDMAP, 0, 0, false },
  { "iversion", OPT_SB, MS_I_VERSION, 0, false },
  { "lazytime", OPT_SB, MS_LAZYTIME, 0, false },
  { "loud", OPT_SB_CLEAR, MS_SILENT, 0, false },
  { "mand", OPT_SB, MS_MANDLOCK, 0, false },
  { "noatime", OPT_ATIME, MS_NOATIME, MOUNT_ATTR_NOATIME, false },
  { "nodev", OPT_FLAG, MS_NODEV, MOUNT_ATTR_NODEV, false },
  { "nodiratime", OPT_FLAG, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, false },
  { "noexec", OPT_FLAG, MS_NOEXEC, MOUNT_ATTR_NOEXEC, false },
  { "noiversion", OPT_SB_CLEAR, MS_I_VERSION, 0, false },
  { "nolazytime", OPT_SB_CLEAR, MS_LAZYTIME, 0, false },
  { "nomand", OPT_SB_CLEAR, MS_MANDLOCK, 0, false },
  { "norelatime", OPT_ATIME, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME, false },
  { "nostrictatime", OPT_ATIME, MS_RELATIME, MOUNT_ATTR_RELATIME, false },
  { "nosuid", OPT_FLAG, MS_NOSUID, MOUNT_ATTR_NOSUID, false },
  { "nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "private", OPT_PROPAGATION, MS_PRIVATE, 0, false },
  { "ratime", OPT_REC_ATIME, 0, MOUNT_ATTR_RELATIME, false },
  { "rbind", OPT_RBIND, 0, 0, false },
  { "rdev", OPT_REC_CLEAR, 0, MOUNT_ATTR_NODEV, false },
  { "rdiratime", OPT_REC_CLEAR, 0, MOUNT_ATTR_NODIRATIME, false },
  { "relatime", OPT_ATIME, MS_RELATIME, MOUNT_ATTR_RELATIME, false },
  { "remount", OPT_REMOUNT, 0, 0, false },
  { "rexec", OPT_REC_CLEAR, 0, MOUNT_ATTR_NOEXEC, false },
  { "ridmap", OPT_RIDMAP, 0, 0, false },
  { "rnoatime", OPT_REC_ATIME, 0, MOUNT_ATTR_NOATIME, false },
  { "rnodev", OPT_REC_SET, 0, MOUNT_ATTR_NODEV, false },
  { "rnodiratime", OPT_REC_SET, 0, MOUNT_ATTR_NODIRATIME, false },
  { "rnoexec", OPT_REC_SET, 0, MOUNT_ATTR_NOEXEC, false },
  { "rnorelatime", OPT_REC_ATIME, 0, MOUNT_ATTR_STRICTATIME, false },
  { "rnostrictatime", OPT_REC_ATIME, 0, MOUNT_ATTR_RELATIME, false },
  { "rnosuid", OPT_REC_SET, 0, MOUNT_ATTR_NOSUID, false },
  { "rnosymfollow", OPT_REC_SET, 0, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "ro", OPT_FLAG, MS_RDONLY, MOUNT_ATTR_RDONLY, false },
  { "rprivate", OPT_PROPAGATION, MS_PRIVATE, 0, true },
  { "rrelatime", OPT_REC_ATIME, 0, MOUNT_ATTR_RELATIME, false },
  { "rro", OPT_REC_SET, 0, MOUNT_ATTR_RDONLY, false },
  { "rrw", OPT_REC_CLEAR, 0, MOUNT_ATTR_RDONLY, false },
  { "rshared", OPT_PROPAGATION, MS_SHARED, 0, true },
  { "rslave", OPT_PROPAGATION, MS_SLAVE, 0, true },
  { "rstrictatime", OPT_REC_ATIME, 0, MOUNT_ATTR_STRICTATIME, false },
  { "rsuid", OPT_REC_CLEAR, 0, MOUNT_ATTR_NOSUID, false },
  { "rsymfollow", OPT_REC_CLEAR, 0, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "runbindable", OPT_PROPAGATION, MS_UNBINDABLE, 0, true },
  { "rw", OPT_CLEAR, MS_RDONLY, MOUNT_ATTR_RDONLY, false },
  { "shared", OPT_PROPAGATION, MS_SHARED, 0, false },
  { "silent", OPT_SB, MS_SILENT, 0, false },
  { "slave", OPT_PROPAGATION, MS_SLAVE, 0, false },
  { "strictatime", OPT_ATIME, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME, false },
  { "suid", OPT_CLEAR, MS_NOSUID, MOUNT_ATTR_NOSUID, false },
  { "symfollow", OPT_CLEAR, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "sync", OPT_SB, MS_SYNCHRONOUS, 0, false },
  { "tmpcopyup", OPT_TMPCOPYUP, 0, 0, false },
  { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE, 0, false },
};

#define N_OPTIONS (sizeof option_table / sizeof option_table[0])

static int
compare_option (const void *key, const void *elem)
{
  return strcmp (key, ((const struct option_def *) elem)->name);
}

static const struct option_def *
option_lookup (const char *name)
{
  return bsearch (name, option_table, N_OPTIONS, sizeof option_table[0], compare_option);
}

const char *const *
mount_options_known (void)
{
  static const char *names[N_OPTIONS + 1];
  if (names[0] == NULL)
    for (size_t i = 0; i < N_OPTIONS; i++)
      names[i] = option_table[i].name;
  return names;
}

int
mount_propagation_parse (const char *name, uint64_t *flags, bool *recursive)
{
  const struct option_def *d = name ? option_lookup (name) : NULL;
  if (d == NULL || d->kind != OPT_PROPAGATION)
    return -1;
  *flags = d->ms;
  *recursive = d->recursive;
  return 0;
}

uint64_t
mount_options_ms_to_attr (unsigned long ms)
{
  uint64_t a = 0;
  if (ms & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (ms & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (ms & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (ms & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  if (ms & MS_NODIRATIME)
    a |= MOUNT_ATTR_NODIRATIME;
  if (ms & MS_NOSYMFOLLOW)
    a |= MOUNT_ATTR_NOSYMFOLLOW;
  return a;
}

bool
mount_data_has_key (const char *data, const char *key)
{
  size_t klen = strlen (key);

  for (const char *p = data; p && *p;)
    {
      const char *comma = strchr (p, ',');
      if (strncmp (p, key, klen) == 0 && p[klen] == '=')
        return true;
      p = comma ? comma + 1 : NULL;
    }
  return false;
}

static void
append_data (char **data, const char *opt)
{
  char *n;
  if (*data == NULL)
    {
      *data = xstrdup (opt);
      return;
    }
  xasprintf (&n, "%s,%s", *data, opt);
  free (*data);
  *data = n;
}

#define ATIME_MS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static void
apply_option (const struct option_def *d, struct mount_options *o)
{
  switch (d->kind)
    {
    case OPT_FLAG:
    case OPT_SB:
      o->ms_flags |= d->ms;
      o->attr_set |= d->attr;
      o->attr_clr &= ~d->attr;
      break;
    case OPT_CLEAR:
    case OPT_SB_CLEAR:
      o->ms_flags &= ~d->ms;
      o->attr_clr |= d->attr;
      o->attr_set &= ~d->attr;
      break;
    case OPT_ATIME:
      o->ms_flags = (o->ms_flags & ~ATIME_MS) | d->ms;
      o->attr_set = (o->attr_set & ~MOUNT_ATTR__ATIME) | d->attr;
      o->atime_set = true;
      break;
    case OPT_REC_SET:
      o->rec_attr_set |= d->attr;
      o->rec_attr_clr &= ~d->attr;
      break;
    case OPT_REC_CLEAR:
      o->rec_attr_clr |= d->attr;
      o->rec_attr_set &= ~d->attr;
      break;
    case OPT_REC_ATIME:
      o->rec_attr_set = (o->rec_attr_set & ~MOUNT_ATTR__ATIME) | d->attr;
      o->rec_atime_set = true;
      break;
    case OPT_PROPAGATION:
      o->propagation = d->ms;
      o->propagation_recursive = d->recursive;
      break;
    case OPT_BIND:
      o->bind = true;
      break;
    case OPT_RBIND:
      o->rbind = o->bind = true;
      break;
    case OPT_REMOUNT:
      o->remount = true;
      break;
    case OPT_IDMAP:
      o->idmap = true;
      break;
    case OPT_RIDMAP:
      o->ridmap = o->idmap = true;
      break;
    case OPT_TMPCOPYUP:
      o->tmpcopyup = true;
      break;
    case OPT_IGNORE:
      break;
    }
}

int
mount_options_parse (char *const *options, size_t n, struct mount_options *out, casing_error_t *err)
{
  memset (out, 0, sizeof *out);
  for (size_t i = 0; i < n; i++)
    {
      const struct option_def *d;
      if (options[i] == NULL || options[i][0] == '\0')
        continue;
      d = option_lookup (options[i]);
      if (d == NULL)
        append_data (&out->data, options[i]);
      else
        apply_option (d, out);
    }
  /* An atime mode is a single field for mount_setattr: "clear the field, set
   * this value".  Without an atime option the field is left alone. */
  if (out->atime_set)
    out->attr_clr |= MOUNT_ATTR__ATIME;
  if (out->rec_atime_set)
    out->rec_attr_clr |= MOUNT_ATTR__ATIME;
  if (out->idmap && out->remount)
    {
      mount_options_release (out);
      return casing_error_set (err, EINVAL, "options `idmap` and `remount` cannot be combined");
    }
  return 0;
}

void
mount_options_release (struct mount_options *o)
{
  free (o->data);
  o->data = NULL;
}
