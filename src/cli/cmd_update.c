/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `update [--resources FILE|-] [--memory ...] ... ID`: change the limits of
 * a live container.  --resources takes the OCI `linux.resources` object, as
 * containerd and Podman send it; the flags (runc's names) override it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cmd_container.h"
#include "cmd_options.h"
#include "container/state_store.h"
#include "core/utils.h"

enum update_key
{
  U_RESOURCES = 1,
  U_MEMORY,
  U_MEMORY_SWAP,
  U_MEMORY_RESERVATION,
  U_CPU_SHARES,
  U_CPU_QUOTA,
  U_CPU_PERIOD,
  U_CPU_RT_PERIOD,
  U_CPU_RT_RUNTIME,
  U_CPUSET_CPUS,
  U_CPUSET_MEMS,
  U_PIDS_LIMIT,
  U_BLKIO_WEIGHT,
  U_HELP,
};

static const struct cmd_option update_opts[] = {
  { "resources", 'r', CMD_OPT_VALUE, U_RESOURCES, "FILE", "linux.resources JSON (`-` for stdin)" },
  { "memory", 0, CMD_OPT_VALUE, U_MEMORY, "BYTES", "memory limit (k, m, g suffixes; -1 unlimited)" },
  { "memory-swap", 0, CMD_OPT_VALUE, U_MEMORY_SWAP, "BYTES", "memory plus swap limit" },
  { "memory-reservation", 0, CMD_OPT_VALUE, U_MEMORY_RESERVATION, "BYTES", "memory soft limit" },
  { "cpu-shares", 0, CMD_OPT_VALUE, U_CPU_SHARES, "N", "CPU shares (relative weight)" },
  { "cpu-share", 0, CMD_OPT_VALUE, U_CPU_SHARES, "N", "the same (crun's spelling)" },
  { "cpu-quota", 0, CMD_OPT_VALUE, U_CPU_QUOTA, "USEC", "CFS quota per period (-1 unlimited)" },
  { "cpu-period", 0, CMD_OPT_VALUE, U_CPU_PERIOD, "USEC", "CFS period" },
  { "cpu-rt-period", 0, CMD_OPT_VALUE, U_CPU_RT_PERIOD, "USEC", "realtime period (cgroup v1)" },
  { "cpu-rt-runtime", 0, CMD_OPT_VALUE, U_CPU_RT_RUNTIME, "USEC", "realtime runtime (cgroup v1)" },
  { "cpuset-cpus", 0, CMD_OPT_VALUE, U_CPUSET_CPUS, "LIST", "CPUs allowed, e.g. 0-2,4" },
  { "cpuset-mems", 0, CMD_OPT_VALUE, U_CPUSET_MEMS, "LIST", "memory nodes allowed" },
  { "pids-limit", 0, CMD_OPT_VALUE, U_PIDS_LIMIT, "N", "maximum number of tasks (-1 unlimited)" },
  { "blkio-weight", 0, CMD_OPT_VALUE, U_BLKIO_WEIGHT, "N", "block IO weight (10-1000)" },
  { "help", 'h', CMD_OPT_FLAG, U_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct update_cmd
{
  const char *resources;
  oci_memory mem;
  oci_cpu cpu;
  oci_pids pids;
  oci_blkio blkio;
  bool has_mem, has_cpu, has_pids, has_blkio, help;
};

/* "512m" -> 536870912; powers of 1024 as runc's --memory takes them. */
static int
parse_bytes (const char *opt, const char *s, int64_t *out, casing_error_t *err)
{
  char *end = NULL;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  int shift = 0;
  if (end != s && *end)
    {
      switch (*end | 0x20)
        {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        case 't': shift = 40; break;
        default: shift = -1;
        }
      end++;
      if (*end == 'b' || *end == 'B')
        end++;
    }
  if (errno || end == s || *end || shift < 0 || (v < 0 && (v != -1 || shift)) || (v > (INT64_MAX >> shift)))
    return casing_error_set (err, EINVAL, "update: --%s: `%s` is not a size", opt, s);
  *out = v < 0 ? -1 : (int64_t) v << shift;
  return 0;
}

static int
parse_num (const char *opt, const char *s, int64_t *out, casing_error_t *err)
{
  if (parse_int64 (s, out) < 0)
    return casing_error_set (err, EINVAL, "update: --%s: `%s` is not a number", opt, s);
  return 0;
}

static int
memory_option (struct update_cmd *u, int key, const char *value, casing_error_t *err)
{
  int64_t v;
  const char *name = key == U_MEMORY ? "memory" : key == U_MEMORY_SWAP ? "memory-swap" : "memory-reservation";
  if (parse_bytes (name, value, &v, err) < 0)
    return -1;
  u->has_mem = true;
  if (key == U_MEMORY)
    u->mem.has_limit = true, u->mem.limit = v;
  else if (key == U_MEMORY_SWAP)
    u->mem.has_swap = true, u->mem.swap = v;
  else
    u->mem.has_reservation = true, u->mem.reservation = v;
  return 0;
}

static int
cpu_option (struct update_cmd *u, int key, const char *value, casing_error_t *err)
{
  int64_t v = 0;
  u->has_cpu = true;
  if (key == U_CPUSET_CPUS || key == U_CPUSET_MEMS)
    {
      char **dst = key == U_CPUSET_CPUS ? &u->cpu.cpus : &u->cpu.mems;
      *dst = (char *) value;
      return 0;
    }
  if (parse_num ("cpu", value, &v, err) < 0)
    return -1;
  if (v < 0 && key != U_CPU_QUOTA && key != U_CPU_RT_RUNTIME)
    return casing_error_set (err, EINVAL, "update: `%s` must not be negative", value);
  switch (key)
    {
    case U_CPU_SHARES: u->cpu.has_shares = true, u->cpu.shares = (uint64_t) v; break;
    case U_CPU_QUOTA: u->cpu.has_quota = true, u->cpu.quota = v; break;
    case U_CPU_PERIOD: u->cpu.has_period = true, u->cpu.period = (uint64_t) v; break;
    case U_CPU_RT_PERIOD: u->cpu.has_realtime_period = true, u->cpu.realtime_period = (uint64_t) v; break;
    default: u->cpu.has_realtime_runtime = true, u->cpu.realtime_runtime = v; break;
    }
  return 0;
}

static int
update_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct update_cmd *u = data;
  int64_t v;
  switch (key)
    {
    case U_RESOURCES: u->resources = value; return 0;
    case U_MEMORY: case U_MEMORY_SWAP: case U_MEMORY_RESERVATION: return memory_option (u, key, value, err);
    case U_PIDS_LIMIT:
      if (parse_num ("pids-limit", value, &v, err) < 0)
        return -1;
      u->has_pids = true, u->pids.limit = v;
      return 0;
    case U_BLKIO_WEIGHT:
      if (parse_num ("blkio-weight", value, &v, err) < 0)
        return -1;
      if (v < 10 || v > 1000)
        return casing_error_set (err, EINVAL, "update: --blkio-weight: %s is not in 10..1000", value);
      u->has_blkio = true, u->blkio.has_weight = true, u->blkio.weight = (uint16_t) v;
      return 0;
    case U_HELP: u->help = true; return 0;
    default: return cpu_option (u, key, value, err);
    }
}

static int
load_resources (const char *path, oci_resources **out, casing_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  char *msg = NULL;
  bool in = strcmp (path, "-") == 0;
  if ((in ? read_all_fd (STDIN_FILENO, "stdin", &data, &len, err) : read_all_file (path, &data, &len, err)) < 0)
    return casing_error_prefix (err, "update: --resources");
  if (oci_resources_parse_data (data, len, in ? "stdin" : path, out, &msg) < 0)
    return casing_error_take (err, EINVAL, msg);
  return 0;
}

/* New device rules replace the old ones whole: the container's own
 * linux.devices must stay allowed, as at create. */
static int
load_devices (struct container_handle *h, struct cgroup_manager *m, casing_error_t *err)
{
  cleanup_free char *path = state_store_path (h, "config.json");
  oci_config *config = NULL;
  char *msg = NULL;
  if (oci_config_parse_file (path, &config, &msg) < 0)
    return casing_error_take (err, EINVAL, msg ? msg : xstrdup ("cannot read the saved config"));
  if (config->linux_)
    cgroup_manager_set_devices (m, config->linux_->devices, config->linux_->devices_len);
  oci_config_free (config);
  return 0;
}

static int
update_container (struct global_options *g, const char *id, struct update_cmd *u, casing_error_t *err)
{
  cleanup_container_handle struct container_handle *h = NULL;
  struct cgroup_manager *m = NULL;
  oci_resources *file = NULL;
  enum container_status status;
  oci_resources flags = {
    .memory = u->has_mem ? &u->mem : NULL,
    .cpu = u->has_cpu ? &u->cpu : NULL,
    .pids = u->has_pids ? &u->pids : NULL,
    .block_io = u->has_blkio ? &u->blkio : NULL,
  };
  int r = -1;

  if (u->resources && load_resources (u->resources, &file, err) < 0)
    return -1;
  if (state_store_open (g->root, id, STATE_LOCK_EXCLUSIVE, &h, err) < 0 || container_status_get (h, &status, err) < 0)
    goto out;
  if (status == CONTAINER_STOPPED || status == CONTAINER_CREATING)
    {
      casing_error_set (err, EINVAL, "update: container `%s` is %s", id, container_status_name (status));
      goto out;
    }
  if (cgroup_manager_load (h->state, &m, err) < 0 || (file && file->devices && load_devices (h, m, err) < 0))
    goto out;
  /* The file first, then the flags, so a flag wins over the same field. */
  if ((file && cgroup_manager_update (m, file, err) < 0) || cgroup_manager_update (m, &flags, err) < 0)
    {
      casing_error_prefix (err, "update `%s`", id);
      goto out;
    }
  r = 0;
out:
  cgroup_manager_free (m);
  oci_resources_free (file);
  return r;
}

int
cmd_update (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct update_cmd u;
  const char *id;
  memset (&u, 0, sizeof u);
  int first = cmd_parse_options ("update", update_opts, argc - 1, argv + 1, update_option, &u, err);

  if (first < 0)
    return -1;
  if (u.help)
    {
      cmd_print_help (stdout, "casing update [options] ID",
                      "Change the resource limits of a running container.", update_opts);
      return 0;
    }
  if (cmd_single_id ("update", first + 1, argc, argv, &id, err) < 0)
    return -1;
  if (!u.resources && !u.has_mem && !u.has_cpu && !u.has_pids && !u.has_blkio)
    return casing_error_set (err, EINVAL, "update: nothing to change (use --resources or a limit option)");
  return update_container (g, id, &u, err);
}
