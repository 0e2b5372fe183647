/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure parts of src/cgroups: value conversions, mountinfo parsing,
 * cgroupsPath resolution, cpuset lists. */
#include <errno.h>
#include <stdlib.h>

#include "cgroups/cgroup_internal.h"
#include "cgroups/conversions.h"
#include "unit_test.h"
#include "core/utils.h"

static void
test_weights (void)
{
  CHECK (cgroup_shares_to_weight (0) == 0);
  CHECK (cgroup_shares_to_weight (2) == 1);
  CHECK (cgroup_shares_to_weight (1) == 1);
  CHECK (cgroup_shares_to_weight (1024) == 39);
  CHECK (cgroup_shares_to_weight (262144) == 10000);
  CHECK (cgroup_shares_to_weight (1000000) == 10000);
  CHECK (cgroup_blkio_weight_to_io_weight (0) == 0);
  CHECK (cgroup_blkio_weight_to_io_weight (10) == 1);
  CHECK (cgroup_blkio_weight_to_io_weight (500) == 4950);
  CHECK (cgroup_blkio_weight_to_io_weight (1000) == 10000);
}

static void
test_swap (void)
{
  casing_error_t err = NULL;
  int64_t out = 0;
  CHECK (cgroup_swap_to_v2 (100, 0, &out, &err) == 0);
  CHECK (cgroup_swap_to_v2 (100, -1, &out, &err) == 1 && out == -1);
  CHECK (cgroup_swap_to_v2 (100, 300, &out, &err) == 1 && out == 200);
  CHECK (cgroup_swap_to_v2 (100, 100, &out, &err) == 1 && out == 0);
  CHECK (cgroup_swap_to_v2 (300, 100, &out, &err) < 0 && strstr (err->msg, "memory.swap") != NULL);
  casing_error_release (&err);
  CHECK (cgroup_swap_to_v2 (-1, 100, &out, &err) < 0);
  casing_error_release (&err);
}

static void
test_strings (void)
{
  char buf[128];
  cgroup_v2_limit_str (-1, buf, sizeof buf);
  CHECK_STR (buf, "max");
  cgroup_v2_limit_str (4096, buf, sizeof buf);
  CHECK_STR (buf, "4096");
  cgroup_cpu_max_str (true, 50000, true, 100000, buf, sizeof buf);
  CHECK_STR (buf, "50000 100000");
  cgroup_cpu_max_str (true, -1, false, 0, buf, sizeof buf);
  CHECK_STR (buf, "max");
  cgroup_cpu_max_str (false, 0, true, 20000, buf, sizeof buf);
  CHECK_STR (buf, "max 20000");
  cgroup_io_max_line (CGROUP_THROTTLE_READ_BPS, 8, 0, 1048576, buf, sizeof buf);
  CHECK_STR (buf, "8:0 rbps=1048576");
  cgroup_io_max_line (CGROUP_THROTTLE_WRITE_IOPS, 253, 1, 0, buf, sizeof buf);
  CHECK_STR (buf, "253:1 wiops=max");
  cgroup_io_max_line (CGROUP_THROTTLE_READ_IOPS, 8, 16, 300, buf, sizeof buf);
  CHECK_STR (buf, "8:16 riops=300");
  cgroup_io_max_line (CGROUP_THROTTLE_WRITE_BPS, 8, 16, 7, buf, sizeof buf);
  CHECK_STR (buf, "8:16 wbps=7");
  CHECK_STR (cgroup_blkio_throttle_file (CGROUP_THROTTLE_WRITE_IOPS), "blkio.throttle.write_iops_device");
  uint64_t b = 0;
  CHECK (cgroup_hugepage_size_parse ("2MB", &b) == 0 && b == 2097152);
  CHECK (cgroup_hugepage_size_parse ("1GB", &b) == 0 && b == 1073741824);
  CHECK (cgroup_hugepage_size_parse ("64KB", &b) == 0 && b == 65536);
  CHECK (cgroup_hugepage_size_parse ("2M", &b) < 0);
  CHECK (cgroup_hugepage_size_parse ("02MB", &b) < 0);
  CHECK (cgroup_hugepage_size_parse ("", &b) < 0);
}

static const char hybrid_mountinfo[]
    = "22 1 0:21 / / rw - ext4 /dev/sda rw\n"
      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
      "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:5 - cgroup cgroup rw,memory\n"
      "35 30 0:32 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
      "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd\n"
      "40 30 0:37 / /nonexistent/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "41 30 0:31 / /mnt/memory\\040copy rw - cgroup cgroup rw,memory\n";

static void
test_mountinfo (void)
{
  casing_error_t err = NULL;
  struct cgroup_host h;
  CHECK (cgroup_host_parse_mountinfo (&h, hybrid_mountinfo, &err) == 0);
  CHECK (h.mode == CGROUP_MODE_HYBRID);
  CHECK (h.n == 6); /* the second memory mount is the same hierarchy */
  CHECK (h.v2 == 5);
  CHECK_STR (h.h[0].mountpoint, "/sys/fs/cgroup/cpu");
  CHECK (h.h[3].n_controllers == 2 && cgroup_hierarchy_has (&h.h[3], "net_prio"));
  CHECK (h.h[4].n_controllers == 1 && cgroup_hierarchy_has (&h.h[4], "name=systemd"));
  cgroup_host_free (&h);

  CHECK (cgroup_host_parse_mountinfo (&h, "40 30 0:37 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", &err) == 0);
  CHECK (h.mode == CGROUP_MODE_V2 && h.n == 1 && h.h[0].v2);
  cgroup_host_free (&h);
  CHECK (cgroup_host_parse_mountinfo (&h, "31 30 0:28 / /c rw - cgroup cgroup rw,cpu,cpuacct\n", &err) == 0);
  CHECK (h.mode == CGROUP_MODE_V1 && h.v2 == -1 && h.h[0].n_controllers == 2);
  cgroup_host_free (&h);
  /* A lone name=systemd tracking hierarchy next to cgroup2 is still v2. */
  CHECK (cgroup_host_parse_mountinfo (&h,
                                      "1 0 0:1 / /a rw - cgroup cgroup rw,name=systemd\n"
                                      "2 0 0:2 / /b rw - cgroup2 cgroup2 rw\n",
                                      &err)
         == 0);
  CHECK (h.mode == CGROUP_MODE_V2);
  cgroup_host_free (&h);
  CHECK (cgroup_host_parse_mountinfo (&h, "22 1 0:21 / / rw - ext4 /dev/sda rw\n", &err) < 0);
  casing_error_release (&err);
}

static void
check_resolve (const char *path, const char *own, bool v2, const char *want)
{
  casing_error_t err = NULL;
  char *out = NULL;
  int r = cgroup_path_resolve (path, "ctr", own, v2, &out, &err);
  if (want == NULL)
    CHECK (r < 0 && strstr (err->msg, "linux.cgroupsPath") != NULL);
  else
    CHECK_STR (out, want);
  free (out);
  casing_error_release (&err);
}

static void
test_paths (void)
{
  check_resolve (NULL, "/", false, "/ctr");
  check_resolve (NULL, "/user/s1", false, "/user/s1/ctr");
  check_resolve (NULL, "/user/s1", true, "/user/ctr");
  check_resolve ("", "/", true, "/ctr");
  check_resolve ("/a/b//c/", "/x", true, "/a/b/c");
  check_resolve ("a/./b", "/x/y", false, "/x/y/a/b");
  check_resolve ("a/b", "/x/y", true, "/x/a/b");
  check_resolve ("/a/../b", "/", false, NULL);
  check_resolve ("/", "/", false, NULL);

  struct cgroup_hierarchy mem = { .v2 = false }, uni = { .v2 = true };
  char *ctrl[] = { (char *) "memory" };
  mem.controllers = ctrl;
  mem.n_controllers = 1;
  const char *self = "9:name=systemd:/\n4:memory:/process_api/abc\n3:cpu,cpuacct:/\n0::/init.scope\n";
  char *own = cgroup_path_own (self, &mem);
  CHECK_STR (own, "/process_api/abc");
  free (own);
  own = cgroup_path_own (self, &uni);
  CHECK_STR (own, "/init.scope");
  free (own);
}

static void
test_systemd_path (void)
{
  casing_error_t err = NULL;
  char *slice = NULL, *unit = NULL;
  CHECK (cgroup_systemd_parse_path ("machine.slice:libpod:abc", "id", &slice, &unit, &err) == 0);
  CHECK_STR (slice, "machine.slice");
  CHECK_STR (unit, "libpod-abc.scope");
  free (slice), free (unit);
  CHECK (cgroup_systemd_parse_path (NULL, "id", &slice, &unit, &err) == 0);
  CHECK_STR (slice, "system.slice");
  CHECK_STR (unit, "casing-id.scope");
  free (slice), free (unit);
  CHECK (cgroup_systemd_parse_path ("/a/b", "id", &slice, &unit, &err) < 0);
  casing_error_release (&err);
}

/* Parse `s` and compare with the `want` numbers; want NULL means it must
 * fail. */
static bool
cpuset_list_is (const char *s, const uint16_t *want, size_t n_want)
{
  casing_error_t err = NULL;
  uint16_t *v = NULL;
  size_t n = 99;
  int r = cgroup_cpuset_list_parse (s, &v, &n, &err);
  bool ok;
  if (want == NULL)
    ok = r < 0 && v == NULL && n == 0 && err != NULL && err->status == EINVAL;
  else
    ok = r == 0 && err == NULL && n == n_want && (n == 0 || memcmp (v, want, n * sizeof *v) == 0);
  if (!ok)
    fprintf (stderr, "cpuset list `%s`: r=%d n=%zu%s%s\n", s, r, n, err ? ": " : "", err ? err->msg : "");
  free (v);
  casing_error_release (&err);
  return ok;
}

#define LIST(...) ((const uint16_t[]){ __VA_ARGS__ }), sizeof ((const uint16_t[]){ __VA_ARGS__ }) / sizeof (uint16_t)

static void
test_cpuset_list (void)
{
  /* as the kernel prints them */
  CHECK (cpuset_list_is ("0\n", LIST (0)));
  CHECK (cpuset_list_is ("0-3\n", LIST (0, 1, 2, 3)));
  CHECK (cpuset_list_is ("0-3,5", LIST (0, 1, 2, 3, 5)));
  CHECK (cpuset_list_is ("1,3,5-6,8", LIST (1, 3, 5, 6, 8)));
  CHECK (cpuset_list_is ("7-7", LIST (7)));
  CHECK (cpuset_list_is ("007", LIST (7)));
  /* empty: nothing, not an error */
  uint16_t *v = (uint16_t *) 1;
  size_t n = 99;
  CHECK (cgroup_cpuset_list_parse ("", &v, &n, NULL) == 0 && v == NULL && n == 0);
  CHECK (cgroup_cpuset_list_parse ("\n", &v, &n, NULL) == 0 && v == NULL && n == 0);
  CHECK (cgroup_cpuset_list_parse (" \t\n ", &v, &n, NULL) == 0 && v == NULL && n == 0);
  /* blanks around the list only */
  CHECK (cpuset_list_is ("  2-4\t\n", LIST (2, 3, 4)));
  CHECK (cpuset_list_is ("\n0,2\n\n", LIST (0, 2)));
  CHECK (cpuset_list_is ("0, 2", NULL, 0));
  CHECK (cpuset_list_is ("0 -2", NULL, 0));
  CHECK (cpuset_list_is ("0- 2", NULL, 0));
  CHECK (cpuset_list_is ("0\n1", NULL, 0));
  /* malformed */
  const char *bad[] = { "-", "-1", "1-", "1--2", "1-2-3", ",", ",1", "1,", "1,,2", "a", "1a", "0x1", "+1",
                        "1.5", "3-1", "0-7:2/4", "2,1", "1,1", "0-3,2", "0-3,3-4", "1;2", NULL };
  for (size_t i = 0; bad[i]; i++)
    CHECK (cpuset_list_is (bad[i], NULL, 0));
  /* the error names the list, without the blanks around it */
  casing_error_t err = NULL;
  CHECK (cgroup_cpuset_list_parse (" 1-x\n", &v, &n, &err) < 0 && strstr (err->msg, "`1-x`") != NULL);
  casing_error_release (&err);
  CHECK (cgroup_cpuset_list_parse ("1-x", &v, &n, NULL) < 0 && v == NULL && n == 0);
  /* large values: up to 65535 (uint16 as runc reports them), no overflow */
  CHECK (cpuset_list_is ("65535", LIST (65535)));
  CHECK (cpuset_list_is ("65534-65535", LIST (65534, 65535)));
  CHECK (cpuset_list_is ("65536", NULL, 0));
  CHECK (cpuset_list_is ("0-65536", NULL, 0));
  CHECK (cpuset_list_is ("4294967296", NULL, 0));
  CHECK (cpuset_list_is ("99999999999999999999999", NULL, 0));
  CHECK (cgroup_cpuset_list_parse ("0-65535", &v, &n, NULL) == 0 && n == 65536 && v[0] == 0 && v[65535] == 65535);
  free (v);
  CHECK (cgroup_cpuset_list_parse ("0-1023,4096,65535\n", &v, &n, NULL) == 0 && n == 1026 && v[1023] == 1023
         && v[1024] == 4096 && v[1025] == 65535);
  free (v);
}

int
main (void)
{
  UNIT_RUN (test_weights ());
  UNIT_RUN (test_swap ());
  UNIT_RUN (test_strings ());
  UNIT_RUN (test_mountinfo ());
  UNIT_RUN (test_paths ());
  UNIT_RUN (test_systemd_path ());
  UNIT_RUN (test_cpuset_list ());
  return unit_done ("test_cgroups_conversions");
}
