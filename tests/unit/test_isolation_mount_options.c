/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mount option strings -> MS_* flags, MOUNT_ATTR_* (per mount and
 * recursive), propagation, and the data string of unknown options. */
#include <stdlib.h>
#include <string.h>

#include "isolation/isolation_internal.h"
#include "unit_test.h"

static struct mount_options
parse (const char *csv)
{
  struct mount_options o;
  char *copy = strdup (csv), *save = NULL, *v[64];
  size_t n = 0;
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    v[n++] = t;
  CHECK (mount_options_parse (v, n, &o, NULL) == 0);
  free (copy);
  return o;
}

static void
test_flags (void)
{
  struct mount_options o = parse ("ro,nosuid,nodev,noexec,sync,dirsync,mand,lazytime,nosymfollow,nodiratime");
  CHECK (o.ms_flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK
                        | MS_LAZYTIME | MS_NOSYMFOLLOW | MS_NODIRATIME));
  CHECK (o.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC
                        | MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME));
  CHECK (o.data == NULL);
  CHECK (! o.bind && ! o.remount && o.propagation == 0);
  mount_options_release (&o);

  /* Later options win: ro then rw, nosuid then suid, sync then async. */
  o = parse ("ro,nosuid,sync,rw,suid,async,exec,dev");
  CHECK (o.ms_flags == 0);
  CHECK (o.attr_set == 0);
  CHECK (o.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV));
  mount_options_release (&o);

  o = parse ("defaults,remount,iversion,silent");
  CHECK (o.remount);
  CHECK (o.ms_flags == (MS_I_VERSION | MS_SILENT));
  mount_options_release (&o);
}

static void
test_atime (void)
{
  struct mount_options o = parse ("noatime");
  CHECK (o.ms_flags == MS_NOATIME);
  CHECK ((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_NOATIME);
  CHECK (o.attr_clr & MOUNT_ATTR__ATIME);
  mount_options_release (&o);

  o = parse ("noatime,strictatime");
  CHECK (o.ms_flags == MS_STRICTATIME);
  CHECK ((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME);
  mount_options_release (&o);

  o = parse ("relatime");
  CHECK (o.ms_flags == MS_RELATIME);
  CHECK ((o.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_RELATIME);
  mount_options_release (&o);

  o = parse ("norelatime");
  CHECK (o.ms_flags == MS_STRICTATIME);
  mount_options_release (&o);

  /* Without an atime option the atime field is left alone. */
  o = parse ("ro");
  CHECK ((o.attr_clr & MOUNT_ATTR__ATIME) == 0);
  mount_options_release (&o);
}

static void
test_recursive (void)
{
  struct mount_options o = parse ("rbind,rro,rnosuid,rnodev,rnoexec,rnoatime,rnosymfollow");
  CHECK (o.bind && o.rbind);
  CHECK (o.ms_flags == 0 && o.attr_set == 0);
  CHECK ((o.rec_attr_set & ~MOUNT_ATTR__ATIME)
         == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW));
  CHECK ((o.rec_attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_NOATIME);
  CHECK (o.rec_attr_clr & MOUNT_ATTR__ATIME);
  mount_options_release (&o);

  o = parse ("rro,rrw,rsuid,rexec,rdev,rrelatime");
  CHECK ((o.rec_attr_set & ~MOUNT_ATTR__ATIME) == 0);
  CHECK (o.rec_attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV
                            | MOUNT_ATTR__ATIME));
  mount_options_release (&o);
}

static void
test_propagation (void)
{
  static const struct
  {
    const char *name;
    uint64_t flag;
    bool rec;
  } cases[] = {
    { "shared", MS_SHARED, false },      { "rshared", MS_SHARED, true },
    { "slave", MS_SLAVE, false },        { "rslave", MS_SLAVE, true },
    { "private", MS_PRIVATE, false },    { "rprivate", MS_PRIVATE, true },
    { "unbindable", MS_UNBINDABLE, false }, { "runbindable", MS_UNBINDABLE, true },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct mount_options o = parse (cases[i].name);
      uint64_t f;
      bool rec;
      CHECK (o.propagation == cases[i].flag && o.propagation_recursive == cases[i].rec);
      CHECK (mount_propagation_parse (cases[i].name, &f, &rec) == 0 && f == cases[i].flag && rec == cases[i].rec);
      mount_options_release (&o);
    }
  {
    uint64_t f;
    bool rec;
    CHECK (mount_propagation_parse ("ro", &f, &rec) < 0);
    CHECK (mount_propagation_parse ("bogus", &f, &rec) < 0);
  }
}

static void
test_data_and_extensions (void)
{
  struct mount_options o = parse ("nosuid,mode=755,size=65536k,newinstance,ptmxmode=0666,tmpcopyup");
  CHECK_STR (o.data, "mode=755,size=65536k,newinstance,ptmxmode=0666");
  CHECK (o.tmpcopyup);
  CHECK (o.ms_flags == MS_NOSUID);
  mount_options_release (&o);

  o = parse ("lowerdir=/a:/b,upperdir=/u,workdir=/w");
  CHECK_STR (o.data, "lowerdir=/a:/b,upperdir=/u,workdir=/w");
  mount_options_release (&o);

  o = parse ("bind,idmap");
  CHECK (o.bind && o.idmap && ! o.ridmap && ! o.rbind);
  mount_options_release (&o);
  o = parse ("rbind,ridmap");
  CHECK (o.idmap && o.ridmap);
  mount_options_release (&o);

  {
    char *v[] = { "idmap", "remount" };
    struct mount_options bad;
    casing_error_t err = NULL;
    CHECK (mount_options_parse (v, 2, &bad, &err) < 0);
    CHECK (err && strstr (err->msg, "idmap"));
    casing_error_release (&err);
  }
}

static void
test_ms_to_attr_and_known (void)
{
  const char *const *known = mount_options_known ();
  size_t n = 0;
  bool has_rro = false, has_tmpcopyup = false;
  CHECK (mount_options_ms_to_attr (MS_RDONLY | MS_NOSUID | MS_SYNCHRONOUS)
         == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
  for (; known[n]; n++)
    {
      has_rro |= strcmp (known[n], "rro") == 0;
      has_tmpcopyup |= strcmp (known[n], "tmpcopyup") == 0;
      /* The table is searched with bsearch: it must stay sorted. */
      if (n > 0)
        CHECK (strcmp (known[n - 1], known[n]) < 0);
    }
  CHECK (n > 55 && has_rro && has_tmpcopyup);
}

/* tmpcopyup leaves to the options what they set (Podman's --tmpfs). */
static void
test_data_has_key (void)
{
  CHECK (mount_data_has_key ("size=1m,mode=1777", "mode"));
  CHECK (mount_data_has_key ("mode=1777", "mode"));
  CHECK (mount_data_has_key ("uid=1,gid=2", "gid"));
  CHECK (!mount_data_has_key ("size=1m,nr_inodes=5", "mode"));
  CHECK (!mount_data_has_key ("modes=1", "mode"));
  CHECK (!mount_data_has_key ("xmode=1", "mode"));
  CHECK (!mount_data_has_key ("mode", "mode"));
  CHECK (!mount_data_has_key (NULL, "mode"));
  CHECK (!mount_data_has_key ("", "uid"));
}

int
main (void)
{
  UNIT_RUN (test_flags ());
  UNIT_RUN (test_atime ());
  UNIT_RUN (test_recursive ());
  UNIT_RUN (test_propagation ());
  UNIT_RUN (test_data_and_extensions ());
  UNIT_RUN (test_ms_to_attr_and_known ());
  UNIT_RUN (test_data_has_key ());
  return unit_done ("test_isolation_mount_options");
}
