/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The unit properties the systemd driver sends for linux.resources. */
#include <stdlib.h>
#include <string.h>

#include "cgroups/systemd_props.h"
#include "unit_test.h"
#include "core/utils.h"

static const char proc_devices[] = "Character devices:\n"
                                   "  1 mem\n"
                                   "  4 /dev/vc/0\n"
                                   "  4 tty\n"
                                   "  5 /dev/tty\n"
                                   "136 pts\n"
                                   "\n"
                                   "Block devices:\n"
                                   "  7 loop\n"
                                   "  8 sd\n";

static bool
mask_is (const char *list, const uint8_t *want, size_t n)
{
  uint8_t *mask = NULL;
  size_t got = 0;
  casing_error_t err = NULL;
  bool ok = systemd_cpu_list_to_mask (list, &mask, &got, &err) == 0 && got == n
            && (n == 0 || memcmp (mask, want, n) == 0);
  free (mask);
  casing_error_release (&err);
  return ok;
}

static bool
mask_fails (const char *list)
{
  uint8_t *mask = NULL;
  size_t n = 0;
  casing_error_t err = NULL;
  bool failed = systemd_cpu_list_to_mask (list, &mask, &n, &err) < 0 && mask == NULL && err
                && strstr (err->msg, "not a CPU or node list");
  casing_error_release (&err);
  return failed;
}

static void
test_cpu_masks (void)
{
  CHECK (mask_is ("0-3,8", (const uint8_t[]) { 0x0f, 0x01 }, 2));
  CHECK (mask_is ("5", (const uint8_t[]) { 0x20 }, 1));
  CHECK (mask_is ("3,1", (const uint8_t[]) { 0x0a }, 1));
  CHECK (mask_is ("0-7\n", (const uint8_t[]) { 0xff }, 1));
  CHECK (mask_is ("", NULL, 0));
  CHECK (mask_is ("16", (const uint8_t[]) { 0, 0, 0x01 }, 3));
  CHECK (mask_fails ("a"));
  CHECK (mask_fails ("1-"));
  CHECK (mask_fails ("3-1"));
  CHECK (mask_fails ("1,,2"));
  CHECK (mask_fails ("70000"));
  CHECK (mask_fails ("-1"));
  CHECK (mask_fails ("1 2"));
}

static void
test_quota (void)
{
  CHECK (systemd_cpu_quota_per_sec (50000, 100000) == 500000);
  CHECK (systemd_cpu_quota_per_sec (150000, 100000) == 1500000);
  /* Up to whole 10 ms, never down. */
  CHECK (systemd_cpu_quota_per_sec (1, 100000) == 10000);
  CHECK (systemd_cpu_quota_per_sec (33333, 100000) == 340000);
  CHECK (systemd_cpu_quota_per_sec (20000, 50000) == 400000);
  CHECK (systemd_cpu_quota_per_sec (-1, 100000) == SYSTEMD_INFINITY);
  CHECK (systemd_cpu_quota_per_sec (0, 100000) == SYSTEMD_INFINITY);
  CHECK (systemd_cpu_quota_per_sec (INT64_MAX, 100000) == SYSTEMD_INFINITY);
}

#define RULE(a, t, ma, mi, acc) { .allow = (a), .type = (t), .major = (ma), .minor = (mi), .access = (acc) }

static bool
has_allow (const struct systemd_device_allow *d, size_t n, const char *path, const char *perms)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (d[i].path, path) == 0)
      return strcmp (d[i].perms, perms) == 0;
  return false;
}

static void
test_devices (void)
{
  const char *policy;
  struct systemd_device_allow *d;
  size_t n;

  const struct device_rule defaults[] = {
    RULE (false, 'a', -1, -1, DEVICE_ACC_ALL),
    RULE (true, 'c', 1, 3, DEVICE_ACC_ALL),
    RULE (true, 'c', 136, -1, DEVICE_ACC_ALL),
    RULE (true, 'c', 5, 2, DEVICE_ACC_READ | DEVICE_ACC_WRITE),
    RULE (true, 'c', -1, -1, DEVICE_ACC_MKNOD),
    RULE (true, 'a', 7, 0, DEVICE_ACC_READ),
    RULE (true, 'c', 250, -1, DEVICE_ACC_ALL),
  };
  systemd_device_allow_list (defaults, 7, proc_devices, true, &policy, &d, &n);
  CHECK_STR (policy, "strict");
  CHECK (n == 6);
  CHECK (has_allow (d, n, "/dev/char/1:3", "rwm"));
  CHECK (has_allow (d, n, "char-pts", "rwm"));
  CHECK (has_allow (d, n, "/dev/char/5:2", "rw"));
  CHECK (has_allow (d, n, "/dev/block/7:0", "r"));
  /* type a: both kinds; a major /proc/devices does not name: all of them,
   * merged with the other char-* entry, as systemd keeps one per path */
  CHECK (n == 6 && strcmp (d[4].path, "/dev/char/7:0") == 0 && strcmp (d[5].path, "/dev/block/7:0") == 0);
  CHECK (n == 6 && strcmp (d[3].path, "char-*") == 0 && strcmp (d[3].perms, "rwm") == 0);
  free (d);

  /* allow-all, even with a deny after it: auto (wider, never narrower) */
  const struct device_rule open_all[] = {
    RULE (true, 'a', -1, -1, DEVICE_ACC_ALL),
    RULE (false, 'c', 1, 3, DEVICE_ACC_WRITE),
  };
  systemd_device_allow_list (open_all, 2, proc_devices, true, &policy, &d, &n);
  CHECK_STR (policy, "auto");
  CHECK (n == 0 && d == NULL);

  /* a deny covering an allow takes its bits; a wider allow stays whole */
  const struct device_rule denies[] = {
    RULE (false, 'a', -1, -1, DEVICE_ACC_ALL), RULE (true, 'c', 1, 3, DEVICE_ACC_READ | DEVICE_ACC_WRITE),
    RULE (true, 'c', 1, -1, DEVICE_ACC_READ),  RULE (true, 'b', 8, 0, DEVICE_ACC_ALL),
    RULE (false, 'c', 1, 3, DEVICE_ACC_WRITE), RULE (false, 'a', 8, -1, DEVICE_ACC_ALL),
  };
  systemd_device_allow_list (denies, 6, proc_devices, true, &policy, &d, &n);
  CHECK_STR (policy, "strict");
  CHECK (n == 2);
  CHECK (has_allow (d, n, "/dev/char/1:3", "r"));
  CHECK (has_allow (d, n, "char-mem", "r"));
  free (d);

  /* v1: what cannot be said exactly is left out, never widened */
  systemd_device_allow_list (defaults, 7, proc_devices, false, &policy, &d, &n);
  CHECK (n == 6 && has_allow (d, n, "char-*", "m") && has_allow (d, n, "char-pts", "rwm"));
  free (d);
  const struct device_rule overlap[] = {
    RULE (false, 'a', -1, -1, DEVICE_ACC_ALL),
    RULE (true, 'c', 1, -1, DEVICE_ACC_READ | DEVICE_ACC_WRITE),
    RULE (false, 'c', 1, 3, DEVICE_ACC_WRITE),
  };
  systemd_device_allow_list (overlap, 3, proc_devices, false, &policy, &d, &n);
  CHECK (n == 1 && has_allow (d, n, "char-mem", "r"));
  free (d);
  systemd_device_allow_list (overlap, 3, proc_devices, true, &policy, &d, &n);
  CHECK (n == 1 && has_allow (d, n, "char-mem", "rw"));
  free (d);

  /* a later deny-all starts over */
  const struct device_rule reset[] = {
    RULE (true, 'c', 1, 3, DEVICE_ACC_ALL),
    RULE (false, 'a', -1, -1, DEVICE_ACC_ALL),
    RULE (true, 'c', 1, 5, DEVICE_ACC_ALL),
  };
  systemd_device_allow_list (reset, 3, proc_devices, true, &policy, &d, &n);
  CHECK (n == 1 && has_allow (d, n, "/dev/char/1:5", "rwm"));
  free (d);
}

static const struct systemd_prop *
find (const struct systemd_props *p, const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp (p->v[i].name, name) == 0)
      return &p->v[i];
  return NULL;
}

static bool
u64_is (const struct systemd_props *p, const char *name, uint64_t v)
{
  const struct systemd_prop *q = find (p, name);
  return q && q->type == 't' && q->u64 == v;
}

static void
test_props_v2 (void)
{
  oci_memory mem = { .has_limit = true, .limit = 1 << 30, .has_reservation = true, .reservation = 1 << 20,
                     .has_swap = true, .swap = (int64_t) 3 << 29 };
  oci_cpu cpu = { .has_shares = true, .shares = 1024, .has_quota = true, .quota = 50000,
                  .has_period = true, .period = 100000, .cpus = (char *) "0-1", .mems = (char *) "0" };
  oci_pids pids = { .limit = 42 };
  oci_blkio blkio = { .has_weight = true, .weight = 500 };
  oci_resources r = { .memory = &mem, .cpu = &cpu, .pids = &pids, .block_io = &blkio };
  const struct device_rule rules[] = { RULE (false, 'a', -1, -1, DEVICE_ACC_ALL), RULE (true, 'c', 1, 3, 7) };
  struct systemd_props_input in = { .resources = &r, .rules = rules, .n_rules = 2, .proc_devices = proc_devices,
                                    .v2 = true, .create = true };
  struct systemd_props p;
  casing_error_t err = NULL;

  CHECK (systemd_props_build (&in, &p, &err) == 0);
  CHECK (u64_is (&p, "MemoryMax", 1 << 30));
  CHECK (u64_is (&p, "MemoryLow", 1 << 20));
  CHECK (u64_is (&p, "MemorySwapMax", 1 << 29));
  CHECK (u64_is (&p, "CPUWeight", 39));
  CHECK (u64_is (&p, "CPUQuotaPerSecUSec", 500000));
  CHECK (u64_is (&p, "CPUQuotaPeriodUSec", 100000));
  CHECK (u64_is (&p, "TasksMax", 42));
  CHECK (u64_is (&p, "IOWeight", 4950));
  CHECK (find (&p, "MemoryLimit") == NULL && find (&p, "CPUShares") == NULL);
  const struct systemd_prop *q = find (&p, "AllowedCPUs");
  CHECK (q && q->type == 'y' && q->n_bytes == 1 && q->bytes[0] == 0x03);
  q = find (&p, "AllowedMemoryNodes");
  CHECK (q && q->n_bytes == 1 && q->bytes[0] == 0x01);
  q = find (&p, "IOAccounting");
  CHECK (q && q->type == 'b' && q->u64 == 1);
  q = find (&p, "DevicePolicy");
  CHECK (q && q->type == 's' && strcmp (q->str, "strict") == 0);
  q = find (&p, "DeviceAllow");
  CHECK (q && q->type == 'D' && q->n_devs == 1 && strcmp (q->devs[0].path, "/dev/char/1:3") == 0);
  systemd_props_free (&p);

  /* an update: no accounting flags, no devices unless given; unlimited */
  mem = (oci_memory) { .has_limit = true, .limit = -1 };
  pids.limit = -1;
  r = (oci_resources) { .memory = &mem, .pids = &pids };
  in = (struct systemd_props_input) { .resources = &r, .v2 = true };
  CHECK (systemd_props_build (&in, &p, &err) == 0);
  CHECK (p.n == 2 && u64_is (&p, "MemoryMax", SYSTEMD_INFINITY) && u64_is (&p, "TasksMax", SYSTEMD_INFINITY));
  systemd_props_free (&p);

  /* errors name the field */
  cpu = (oci_cpu) { .cpus = (char *) "0-" };
  r = (oci_resources) { .cpu = &cpu };
  CHECK (systemd_props_build (&in, &p, &err) < 0 && strstr (err->msg, "linux.resources.cpu.cpus") && p.n == 0);
  casing_error_release (&err);
  mem = (oci_memory) { .has_limit = true, .limit = 200, .has_swap = true, .swap = 100 };
  r = (oci_resources) { .memory = &mem };
  CHECK (systemd_props_build (&in, &p, &err) < 0 && strstr (err->msg, "memory.swap"));
  casing_error_release (&err);
}

static void
test_props_v1 (void)
{
  oci_memory mem = { .has_limit = true, .limit = 1 << 30, .has_reservation = true, .reservation = 1 << 20 };
  oci_cpu cpu = { .has_shares = true, .shares = 512, .cpus = (char *) "0" };
  oci_blkio blkio = { .has_weight = true, .weight = 300 };
  oci_pids pids = { .limit = 0 };
  oci_resources r = { .memory = &mem, .cpu = &cpu, .block_io = &blkio, .pids = &pids };
  struct systemd_props_input in = { .resources = &r, .create = true };
  struct systemd_props p;
  casing_error_t err = NULL;

  CHECK (systemd_props_build (&in, &p, &err) == 0);
  CHECK (u64_is (&p, "MemoryLimit", 1 << 30));
  CHECK (u64_is (&p, "CPUShares", 512));
  CHECK (u64_is (&p, "BlockIOWeight", 300));
  CHECK (find (&p, "BlockIOAccounting") != NULL && find (&p, "IOAccounting") == NULL);
  /* no v1 equivalents: soft limit, cpuset; pids 0 is left to cgroupfs */
  CHECK (find (&p, "MemoryLow") == NULL && find (&p, "AllowedCPUs") == NULL && find (&p, "TasksMax") == NULL);
  CHECK (find (&p, "DevicePolicy") == NULL);
  systemd_props_free (&p);
}

/* org.systemd.property.* annotations (systemd_annotations.c). */
static const struct systemd_prop *
annotated (const char *key, const char *value, struct systemd_props *p, casing_error_t *err)
{
  oci_kv kv[] = { { (char *) "other", (char *) "x" }, { (char *) key, (char *) value } };
  oci_map m = { kv, 2 };
  memset (p, 0, sizeof *p);
  if (systemd_props_from_annotations (&m, p, err) < 0)
    return NULL;
  return p->n == 1 ? &p->v[0] : NULL;
}

static void
test_annotations (void)
{
  struct systemd_props p;
  casing_error_t err = NULL;
  const struct systemd_prop *q;

  q = annotated ("org.systemd.property.CollectMode", "'inactive-or-failed'", &p, &err);
  CHECK (q && q->type == 's');
  CHECK_STR (q ? q->name : NULL, "CollectMode");
  CHECK_STR (q ? q->str : NULL, "inactive-or-failed");
  systemd_props_free (&p);
  q = annotated ("org.systemd.property.TimeoutStopUSec", "uint64 123456789", &p, &err);
  CHECK (q && q->type == 't' && q->u64 == 123456789);
  systemd_props_free (&p);
  q = annotated ("org.systemd.property.TasksMax", "77", &p, &err);
  CHECK (q && q->type == 't' && q->u64 == 77);
  systemd_props_free (&p);
  q = annotated ("org.systemd.property.Delegate", "false", &p, &err);
  CHECK (q && q->type == 'b' && q->u64 == 0);
  systemd_props_free (&p);
  /* *Sec with a duration: sent as *USec in microseconds */
  q = annotated ("org.systemd.property.TimeoutStopSec", "1.5min", &p, &err);
  CHECK (q && q->type == 't' && q->u64 == 90000000ULL);
  CHECK_STR (q ? q->name : NULL, "TimeoutStopUSec");
  systemd_props_free (&p);
  q = annotated ("org.systemd.property.RuntimeMaxSec", "250ms", &p, &err);
  CHECK (q && q->u64 == 250000ULL);
  systemd_props_free (&p);
  /* refused: names, values it cannot read */
  const char *bad[][2] = {
    { "org.systemd.property.", "1" },         { "org.systemd.property.lower", "1" },
    { "org.systemd.property.A-B", "1" },      { "org.systemd.property.TasksMax", "-1" },
    { "org.systemd.property.TasksMax", "5s" }, { "org.systemd.property.X", "'unterminated" },
    { "org.systemd.property.X", "'a'b'" },    { "org.systemd.property.TimeoutStopSec", "5 s" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      CHECK (annotated (bad[i][0], bad[i][1], &p, &err) == NULL && err != NULL);
      CHECK (err && strstr (err->msg, "annotations.org.systemd.property.") != NULL);
      casing_error_release (&err);
      systemd_props_free (&p);
    }
  /* added after casing's own, at create only */
  oci_kv kv[] = { { (char *) "org.systemd.property.TasksMax", (char *) "9" } };
  oci_map m = { kv, 1 };
  struct systemd_props_input in = { .create = true, .v2 = true, .annotations = &m };
  CHECK (systemd_props_build (&in, &p, &err) == 0);
  CHECK (p.n > 1 && strcmp (p.v[p.n - 1].name, "TasksMax") == 0 && p.v[p.n - 1].u64 == 9);
  systemd_props_free (&p);
  in.create = false;
  CHECK (systemd_props_build (&in, &p, &err) == 0 && find (&p, "TasksMax") == NULL);
  systemd_props_free (&p);
}

int
main (void)
{
  UNIT_RUN (test_cpu_masks ());
  UNIT_RUN (test_quota ());
  UNIT_RUN (test_devices ());
  UNIT_RUN (test_props_v2 ());
  UNIT_RUN (test_props_v1 ());
  UNIT_RUN (test_annotations ());
  return unit_done ("test_systemd_props");
}
