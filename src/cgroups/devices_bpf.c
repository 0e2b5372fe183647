/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 device control: load the program generated from the rules and
 * attach it to the container's cgroup, replacing the one attached before
 * (update).  The new program goes in first with BPF_F_ALLOW_MULTI and the
 * old ones are detached after, so there is no moment without a filter. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "devices.h"
#include "core/utils.h"

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof (*attr));
}

static int
prog_load (const struct bpf_insn *insns, size_t n, casing_error_t *err)
{
  static char log[8192];
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  attr.license = (uint64_t) (uintptr_t) "GPL";
  attr.log_buf = (uint64_t) (uintptr_t) log;
  attr.log_size = sizeof log;
  attr.log_level = 1;
  log[0] = '\0';
  int fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd < 0 && errno == ENOSPC)
    {
      /* The verifier log did not fit: retry without it for the real error. */
      attr.log_buf = 0;
      attr.log_size = 0;
      attr.log_level = 0;
      fd = sys_bpf (BPF_PROG_LOAD, &attr);
    }
  if (fd < 0)
    return casing_error_errno (err, "load the device cgroup program%s%.200s", log[0] ? ": " : "", log);
  return fd;
}

/* Ids of the device programs attached to the cgroup itself. */
static int
query_attached (int cgfd, uint32_t *ids, uint32_t *n, casing_error_t *err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t) cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return casing_error_errno (err, "query the device programs of the cgroup");
  *n = attr.query.prog_cnt;
  return 0;
}

static int
detach_id (int cgfd, uint32_t id, casing_error_t *err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_id = id;
  cleanup_close int pfd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (pfd < 0)
    return errno == ENOENT ? 0 : casing_error_errno (err, "get the device program %u", id);
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgfd;
  attr.attach_bpf_fd = (uint32_t) pfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
    return casing_error_errno (err, "detach the old device program %u", id);
  return 0;
}

static int
attach_replacing (int cgfd, int progfd, casing_error_t *err)
{
  uint32_t old[64], n_old = 64;
  union bpf_attr attr;
  if (query_attached (cgfd, old, &n_old, err) < 0)
    return -1;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cgfd;
  attr.attach_bpf_fd = (uint32_t) progfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return casing_error_errno (err, "attach the device program");
  for (uint32_t i = 0; i < n_old && i < 64; i++)
    if (detach_id (cgfd, old[i], err) < 0)
      return -1;
  return 0;
}

int
cgroup_devices_bpf_apply (struct cgroup_dir *d, const struct device_rule *rules, size_t n, casing_error_t *err)
{
  cleanup_free struct bpf_insn *insns = NULL;
  size_t count = device_rules_to_bpf (rules, n, &insns);
  cleanup_close int progfd = prog_load (insns, count, err);
  if (progfd < 0)
    return casing_error_prefix (err, "linux.resources.devices");
  if (attach_replacing (d->fd, progfd, err) < 0)
    return casing_error_prefix (err, "linux.resources.devices: cgroup `%s`", d->full);
  return 0;
}
