/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "core/utils.h"
#include "confine.h"
#include "names.h"

/* The one rlimit table (the spec has a pattern, no list). */
static const struct
{
  const char *name;
  int resource;
} rlimit_table[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof rlimit_table / sizeof rlimit_table[0]; i++)
    if (strcmp (rlimit_table[i].name, name) == 0)
      return rlimit_table[i].resource;
  return -1;
}

int
process_apply_rlimits (const oci_process *process, casing_error_t *err)
{
  for (size_t i = 0; process && i < process->rlimits_len; i++)
    {
      const oci_rlimit *r = &process->rlimits[i];
      struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
      int resource = rlimit_from_name (r->type);

      if (resource < 0)
        return casing_error_set (err, EINVAL, "process.rlimits[%zu].type: \"%s\" is not an rlimit", i, r->type);
      if (setrlimit (resource, &rl) < 0)
        {
          int saved = errno;
          struct rlimit cur;
          if (saved == EPERM && getrlimit (resource, &cur) == 0 && r->hard > cur.rlim_max)
            return casing_error_set (err, saved,
                                     "process.rlimits: setrlimit %s (hard %llu is above the current hard limit %llu "
                                     "and raising it needs CAP_SYS_RESOURCE)",
                                     r->type, (unsigned long long) r->hard, (unsigned long long) cur.rlim_max);
          return casing_error_set (err, saved, "process.rlimits: setrlimit %s", r->type);
        }
    }
  return 0;
}

int
host_nr_open (uint64_t *out)
{
  static uint64_t cached;
  cleanup_free char *buf = NULL;

  if (cached == 0)
    {
      /* Read on the host, before any container exists: a plain read. */
      if (read_all_file ("/proc/sys/fs/nr_open", &buf, NULL, NULL) < 0)
        return -1;
      buf[strcspn (buf, "\n")] = '\0';
      if (parse_uint64 (buf, &cached) < 0 || cached == 0)
        return -1;
    }
  *out = cached;
  return 0;
}
