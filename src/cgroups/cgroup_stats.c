/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `events --stats`: the counters of the container's cgroups as the "data"
 * object runc prints (cpu, cpuset, memory with swap/kernel/raw, pids, blkio,
 * hugetlb), read from v1 or v2 files wherever the host keeps each
 * controller.  Missing files leave their fields at 0. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "conversions.h"
#include "core/utils.h"

struct jbuf
{
  char *s;
  size_t len, cap;
};

static void __attribute__ ((format (printf, 2, 3)))
jprintf (struct jbuf *b, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (b->len + (size_t) n + 1 > b->cap)
    {
      b->cap = (b->len + (size_t) n + 1) * 2;
      b->s = xrealloc (b->s, b->cap);
    }
  va_start (ap, fmt);
  vsnprintf (b->s + b->len, b->cap - b->len, fmt, ap);
  va_end (ap);
  b->len += (size_t) n;
}

/* The first line of a file, or NULL when it cannot be read. */
static char *
read_line (struct cgroup_dir *d, const char *file)
{
  char *s = NULL;
  if (d == NULL || cgroup_dir_read (d, file, &s, NULL) < 0)
    return NULL;
  s[strcspn (s, "\n")] = '\0';
  return s;
}

/* A file of one number; "max" reads as UINT64_MAX like runc reports it. */
static uint64_t
read_u64 (struct cgroup_dir *d, const char *file)
{
  cleanup_free char *s = read_line (d, file);
  uint64_t v = 0;
  if (s && strcmp (s, "max") == 0)
    return UINT64_MAX;
  return s && parse_uint64 (s, &v) == 0 ? v : 0;
}

static int64_t
read_i64 (struct cgroup_dir *d, const char *file)
{
  cleanup_free char *s = read_line (d, file);
  int64_t v = 0;
  return s && parse_int64 (s, &v) == 0 ? v : 0;
}

/* `key value` files (cpu.stat, memory.stat, memory.events...). */
static uint64_t
read_key (struct cgroup_dir *d, const char *file, const char *key)
{
  cleanup_free char *s = NULL;
  size_t kl = strlen (key);
  if (d == NULL || cgroup_dir_read (d, file, &s, NULL) < 0)
    return 0;
  for (char *l = s; l && *l; l = strchr (l, '\n') ? strchr (l, '\n') + 1 : NULL)
    if (strncmp (l, key, kl) == 0 && l[kl] == ' ')
      return strtoull (l + kl + 1, NULL, 10);
  return 0;
}

static void
percpu_array (struct jbuf *b, struct cgroup_dir *d, const char *file)
{
  cleanup_free char *s = NULL;
  char *save = NULL;
  int i = 0;
  jprintf (b, "[");
  if (d && cgroup_dir_read (d, file, &s, NULL) == 0)
    for (char *t = strtok_r (s, " \n", &save); t; t = strtok_r (NULL, " \n", &save))
      jprintf (b, "%s%s", i++ ? "," : "", t);
  jprintf (b, "]");
}

static void
stats_cpu (struct cgroup_manager *m, struct jbuf *b)
{
  struct cgroup_dir *cpu = cgroup_manager_dir_for (m, "cpu");
  struct cgroup_dir *acct = cgroup_manager_dir_for (m, "cpuacct");
  uint64_t total, user, kernel, periods, throttled, ttime;

  if (cpu && cgroup_dir_is_v2 (cpu))
    {
      total = read_key (cpu, "cpu.stat", "usage_usec") * 1000;
      user = read_key (cpu, "cpu.stat", "user_usec") * 1000;
      kernel = read_key (cpu, "cpu.stat", "system_usec") * 1000;
      ttime = read_key (cpu, "cpu.stat", "throttled_usec") * 1000;
    }
  else
    {
      /* cpuacct.stat counts USER_HZ ticks (100 per second). */
      total = read_u64 (acct, "cpuacct.usage");
      user = read_key (acct, "cpuacct.stat", "user") * 10000000;
      kernel = read_key (acct, "cpuacct.stat", "system") * 10000000;
      ttime = read_key (cpu, "cpu.stat", "throttled_time");
    }
  periods = read_key (cpu, "cpu.stat", "nr_periods");
  throttled = read_key (cpu, "cpu.stat", "nr_throttled");
  jprintf (b, "\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"percpu\":", total);
  percpu_array (b, acct && !cgroup_dir_is_v2 (acct) ? acct : NULL, "cpuacct.usage_percpu");
  jprintf (b, ",\"percpu_kernel\":");
  percpu_array (b, acct && !cgroup_dir_is_v2 (acct) ? acct : NULL, "cpuacct.usage_percpu_sys");
  jprintf (b, ",\"percpu_user\":");
  percpu_array (b, acct && !cgroup_dir_is_v2 (acct) ? acct : NULL, "cpuacct.usage_percpu_user");
  jprintf (b,
           ",\"kernel\":%" PRIu64 ",\"user\":%" PRIu64 "},\"throttling\":{\"periods\":%" PRIu64
           ",\"throttledPeriods\":%" PRIu64 ",\"throttledTime\":%" PRIu64 "}}",
           kernel, user, periods, throttled, ttime);
}

/* `"cpus":[0,1,2],` from a list file; nothing when it is missing, empty or
 * malformed, as runc leaves an empty list out. */
static void
cpuset_list (struct jbuf *b, struct cgroup_dir *d, const char *name, const char *file)
{
  cleanup_free char *s = NULL;
  cleanup_free uint16_t *v = NULL;
  size_t n = 0;
  if (d == NULL || cgroup_dir_read (d, file, &s, NULL) < 0 || cgroup_cpuset_list_parse (s, &v, &n, NULL) < 0
      || n == 0)
    return;
  jprintf (b, "\"%s\":[", name);
  for (size_t i = 0; i < n; i++)
    jprintf (b, "%s%u", i ? "," : "", (unsigned) v[i]);
  jprintf (b, "],");
}

/* runc's fields in its order.  The flags exist on v1 only and read 0
 * elsewhere, as runc prints them; v2 shows the effective lists. */
static void
stats_cpuset (struct cgroup_manager *m, struct jbuf *b)
{
  static const char *const flags[] = { "mem_hardwall",       "mem_exclusive",      "memory_migrate",
                                       "memory_spread_page", "memory_spread_slab", "memory_pressure",
                                       "sched_load_balance" };
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "cpuset");
  bool v2 = d && cgroup_dir_is_v2 (d);
  char file[64];

  jprintf (b, ",\"cpuset\":{");
  cpuset_list (b, d, "cpus", v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
  jprintf (b, "\"cpu_exclusive\":%" PRIu64 ",", read_u64 (d, "cpuset.cpu_exclusive"));
  cpuset_list (b, d, "mems", v2 ? "cpuset.mems.effective" : "cpuset.mems");
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    {
      snprintf (file, sizeof file, "cpuset.%s", flags[i]);
      jprintf (b, "\"%s\":%" PRIu64 ",", flags[i], read_u64 (d, file));
    }
  jprintf (b, "\"sched_relax_domain_level\":%" PRId64 "}", read_i64 (d, "cpuset.sched_relax_domain_level"));
}

static void
mem_entry (struct jbuf *b, const char *name, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
  jprintf (b, ",\"%s\":{\"limit\":%" PRIu64 ",\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"failcnt\":%" PRIu64 "}",
           name, limit, usage, max, failcnt);
}

static void
mem_raw (struct jbuf *b, struct cgroup_dir *d)
{
  cleanup_free char *s = NULL;
  char *save = NULL;
  int i = 0;
  jprintf (b, ",\"raw\":{");
  if (cgroup_dir_read (d, "memory.stat", &s, NULL) == 0)
    for (char *l = strtok_r (s, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
      {
        char key[128];
        uint64_t v;
        if (sscanf (l, "%127s %" SCNu64, key, &v) == 2 && strspn (key, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen (key))
          jprintf (b, "%s\"%s\":%" PRIu64, i++ ? "," : "", key, v);
      }
  jprintf (b, "}");
}

static void
stats_memory (struct cgroup_manager *m, struct jbuf *b)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "memory");
  if (d == NULL)
    return;
  if (cgroup_dir_is_v2 (d))
    {
      uint64_t usage = read_u64 (d, "memory.current"), limit = read_u64 (d, "memory.max");
      uint64_t swap = read_u64 (d, "memory.swap.current"), swap_max = read_u64 (d, "memory.swap.max");
      jprintf (b, ",\"memory\":{\"cache\":%" PRIu64, read_key (d, "memory.stat", "file"));
      mem_entry (b, "usage", limit, usage, read_u64 (d, "memory.peak"), read_key (d, "memory.events", "max"));
      /* Swap the v1 way (memory + swap), which is what consumers expect. */
      mem_entry (b, "swap", swap_max == UINT64_MAX || limit == UINT64_MAX ? UINT64_MAX : swap_max + limit,
                 swap + usage, 0, 0);
    }
  else
    {
      jprintf (b, ",\"memory\":{\"cache\":%" PRIu64, read_key (d, "memory.stat", "cache"));
      mem_entry (b, "usage", read_u64 (d, "memory.limit_in_bytes"), read_u64 (d, "memory.usage_in_bytes"),
                 read_u64 (d, "memory.max_usage_in_bytes"), read_u64 (d, "memory.failcnt"));
      mem_entry (b, "swap", read_u64 (d, "memory.memsw.limit_in_bytes"), read_u64 (d, "memory.memsw.usage_in_bytes"),
                 read_u64 (d, "memory.memsw.max_usage_in_bytes"), read_u64 (d, "memory.memsw.failcnt"));
      mem_entry (b, "kernel", read_u64 (d, "memory.kmem.limit_in_bytes"), read_u64 (d, "memory.kmem.usage_in_bytes"),
                 read_u64 (d, "memory.kmem.max_usage_in_bytes"), read_u64 (d, "memory.kmem.failcnt"));
      mem_entry (b, "kernelTCP", read_u64 (d, "memory.kmem.tcp.limit_in_bytes"),
                 read_u64 (d, "memory.kmem.tcp.usage_in_bytes"), read_u64 (d, "memory.kmem.tcp.max_usage_in_bytes"),
                 read_u64 (d, "memory.kmem.tcp.failcnt"));
    }
  mem_raw (b, d);
  jprintf (b, "}");
}

static void
stats_pids (struct cgroup_manager *m, struct jbuf *b)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "pids");
  uint64_t limit = read_u64 (d, "pids.max");
  if (d == NULL)
    return;
  jprintf (b, ",\"pids\":{\"current\":%" PRIu64 ",\"limit\":%" PRIu64 "}", read_u64 (d, "pids.current"),
           limit == UINT64_MAX ? 0 : limit);
}

static void
blkio_v1 (struct jbuf *b, struct cgroup_dir *d, const char *name, const char *file)
{
  cleanup_free char *s = NULL;
  char *save = NULL;
  int i = 0;
  if (cgroup_dir_read (d, file, &s, NULL) < 0)
    return;
  jprintf (b, "%s\"%s\":[", b->s[b->len - 1] == '{' ? "" : ",", name);
  for (char *l = strtok_r (s, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      unsigned maj, min;
      char op[16];
      uint64_t v;
      if (sscanf (l, "%u:%u %15s %" SCNu64, &maj, &min, op, &v) == 4)
        jprintf (b, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%" PRIu64 "}", i++ ? "," : "", maj, min,
                 op, v);
    }
  jprintf (b, "]");
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void
blkio_v2 (struct jbuf *b, struct cgroup_dir *d, const char *name, const char *rkey, const char *wkey)
{
  cleanup_free char *s = NULL;
  char *save = NULL;
  int i = 0;
  if (cgroup_dir_read (d, "io.stat", &s, NULL) < 0)
    return;
  jprintf (b, "%s\"%s\":[", b->s[b->len - 1] == '{' ? "" : ",", name);
  for (char *l = strtok_r (s, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      unsigned maj, min;
      if (sscanf (l, "%u:%u", &maj, &min) != 2)
        continue;
      const char *keys[2] = { rkey, wkey }, *ops[2] = { "Read", "Write" };
      for (int k = 0; k < 2; k++)
        {
          const char *p = strstr (l, keys[k]);
          if (p)
            jprintf (b, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%" PRIu64 "}", i++ ? "," : "",
                     maj, min, ops[k], (uint64_t) strtoull (p + strlen (keys[k]), NULL, 10));
        }
    }
  jprintf (b, "]");
}

static void
stats_blkio (struct cgroup_manager *m, struct jbuf *b)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, cgroup_manager_dir_for (m, "blkio") ? "blkio" : "io");
  if (d == NULL)
    return;
  jprintf (b, ",\"blkio\":{");
  if (cgroup_dir_is_v2 (d))
    {
      blkio_v2 (b, d, "ioServiceBytesRecursive", "rbytes=", "wbytes=");
      blkio_v2 (b, d, "ioServicedRecursive", "rios=", "wios=");
    }
  else if (cgroup_dir_has_file (d, "blkio.io_service_bytes_recursive"))
    {
      blkio_v1 (b, d, "ioServiceBytesRecursive", "blkio.io_service_bytes_recursive");
      blkio_v1 (b, d, "ioServicedRecursive", "blkio.io_serviced_recursive");
    }
  else
    {
      blkio_v1 (b, d, "ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive");
      blkio_v1 (b, d, "ioServicedRecursive", "blkio.throttle.io_serviced_recursive");
    }
  jprintf (b, "}");
}

static void
hugetlb_size (const char *dirname, char *out, size_t len)
{
  unsigned long kb = strtoul (dirname + strlen ("hugepages-"), NULL, 10);
  if (kb >= (1UL << 20) && kb % (1UL << 20) == 0)
    snprintf (out, len, "%luGB", kb >> 20);
  else if (kb >= 1024 && kb % 1024 == 0)
    snprintf (out, len, "%luMB", kb >> 10);
  else
    snprintf (out, len, "%luKB", kb);
}

static void
stats_hugetlb (struct cgroup_manager *m, struct jbuf *b)
{
  struct cgroup_dir *d = cgroup_manager_dir_for (m, "hugetlb");
  cleanup_dir DIR *dir = opendir ("/sys/kernel/mm/hugepages");
  struct dirent *de;
  int i = 0;
  if (d == NULL || dir == NULL)
    return;
  jprintf (b, ",\"hugetlb\":{");
  while ((de = readdir (dir)))
    {
      char size[32], f1[96], f2[96], f3[96];
      if (strncmp (de->d_name, "hugepages-", 10) != 0)
        continue;
      hugetlb_size (de->d_name, size, sizeof size);
      bool v2 = cgroup_dir_is_v2 (d);
      snprintf (f1, sizeof f1, v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
      snprintf (f2, sizeof f2, "hugetlb.%s.max_usage_in_bytes", size);
      snprintf (f3, sizeof f3, v2 ? "hugetlb.%s.events" : "hugetlb.%s.failcnt", size);
      jprintf (b, "%s\"%s\":{\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"failcnt\":%" PRIu64 "}", i++ ? "," : "",
               size, read_u64 (d, f1), v2 ? 0 : read_u64 (d, f2), v2 ? read_key (d, f3, "max") : read_u64 (d, f3));
    }
  jprintf (b, "}");
}

char *
cgroup_manager_stats_json (struct cgroup_manager *m, casing_error_t *err)
{
  if (cgroup_manager_need (m, "stats", err) < 0)
    return NULL;
  struct jbuf b = { NULL, 0, 0 };
  struct cgroup_dir *main_dir = cgroup_manager_main_dir (m);
  if (main_dir == NULL || main_dir->fd < 0)
    {
      casing_error_set (err, ENOENT, "the cgroup of `%s` does not exist", m->id);
      return NULL;
    }
  jprintf (&b, "{");
  stats_cpu (m, &b);
  stats_cpuset (m, &b);
  stats_memory (m, &b);
  stats_pids (m, &b);
  stats_blkio (m, &b);
  stats_hugetlb (m, &b);
  jprintf (&b, ",\"intel_rdt\":{},\"network_interfaces\":null}");
  return b.s;
}
