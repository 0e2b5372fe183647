/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every group of fields of the every-field fixtures is read into the
 * structs with the values written in the file. */
#include "ocispec_fixtures.h"

static void *
parse_fixture (const char *rel, const oci_desc *d, const char *name)
{
  char path[4096];
  size_t len;
  char *data, *err = NULL;
  void *out = NULL;

  snprintf (path, sizeof (path), "%s/%s", test_data_dir (), rel);
  data = read_whole_file (path, &len);
  if (!unit_check (data != NULL, "fixture readable", path, 0))
    return NULL;
  if (!unit_check (oci_parse_document (d, data, len, name, &out, &err) == 0, "fixture parses", path, 0))
    fprintf (stderr, "     %s\n", err);
  free (err);
  free (data);
  return out;
}

static void
check_process (const oci_process *p)
{
  CHECK (p->has_terminal && p->terminal);
  CHECK_UINT (p->console_size->height, 25);
  CHECK_UINT (p->console_size->width, 80);
  CHECK (p->user->has_uid && p->user->uid == 1001);
  CHECK (p->user->has_gid && p->user->gid == 1002);
  CHECK (p->user->has_umask && p->user->umask == 18);
  CHECK_UINT (p->user->additional_gids_len, 2);
  CHECK_UINT (p->user->additional_gids[1], 4294967295u);
  CHECK_STR (p->user->username, "every");
  CHECK_UINT (p->args_len, 3);
  CHECK_STR (p->args[2], "echo ok");
  CHECK_STR (p->command_line, "sh -c 'echo ok'");
  CHECK_STR (p->env[1], "TERM=xterm");
  CHECK_STR (p->cwd, "/work");
  CHECK_UINT (p->capabilities->bounding_len, 2);
  CHECK_STR (p->capabilities->effective[0], "CAP_KILL");
  CHECK (p->capabilities->inheritable != NULL && p->capabilities->inheritable_len == 0);
  CHECK_STR (p->capabilities->permitted[2], "CAP_NET_BIND_SERVICE");
  CHECK_STR (p->capabilities->ambient[0], "CAP_NET_BIND_SERVICE");
  CHECK_UINT (p->rlimits_len, 2);
  CHECK_STR (p->rlimits[0].type, "RLIMIT_NOFILE");
  CHECK_UINT (p->rlimits[0].soft, 1024);
  CHECK_UINT (p->rlimits[0].hard, 4096);
  CHECK_UINT (p->rlimits[1].hard, UINT64_MAX);
  CHECK (p->has_no_new_privileges && p->no_new_privileges);
  CHECK_STR (p->apparmor_profile, "every-profile");
  CHECK (p->has_oom_score_adj && p->oom_score_adj == -500);
  CHECK_STR (p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
  CHECK_STR (p->io_priority->class, "IOPRIO_CLASS_BE");
  CHECK (p->io_priority->has_priority && p->io_priority->priority == 6);
  CHECK_STR (p->scheduler->policy, "SCHED_DEADLINE");
  CHECK (p->scheduler->has_nice && p->scheduler->nice == -7);
  CHECK (p->scheduler->has_priority && p->scheduler->priority == 3);
  CHECK_UINT (p->scheduler->flags_len, 2);
  CHECK_STR (p->scheduler->flags[1], "SCHED_FLAG_RECLAIM");
  CHECK (p->scheduler->has_runtime && p->scheduler->runtime == 10000000);
  CHECK (p->scheduler->has_deadline && p->scheduler->deadline == 20000000);
  CHECK (p->scheduler->has_period && p->scheduler->period == 30000000);
  CHECK_STR (p->exec_cpu_affinity->initial, "0-1, 3");
  CHECK_STR (p->exec_cpu_affinity->final, "2");
}

static void
check_hooks_and_mounts (const oci_config *c)
{
  const oci_hooks *h = c->hooks;

  CHECK_STR (h->prestart[0].path, "/hooks/prestart");
  CHECK_STR (h->prestart[0].args[1], "a");
  CHECK_STR (h->prestart[0].env[0], "K=prestart");
  CHECK (h->prestart[0].has_timeout && h->prestart[0].timeout == 1);
  CHECK (h->create_runtime_len == 1 && h->create_runtime[0].timeout == 2);
  CHECK (h->create_container_len == 1 && h->create_container[0].timeout == 3);
  CHECK (h->start_container_len == 1 && h->start_container[0].timeout == 4);
  CHECK (h->poststart_len == 1 && h->poststart[0].timeout == 5);
  CHECK (h->poststop_len == 1 && h->poststop[0].timeout == 6);
  CHECK_STR (h->poststop[0].path, "/hooks/poststop");
  CHECK (h->create_runtime[0].args == NULL && h->create_runtime[0].env == NULL);

  CHECK_UINT (c->mounts_len, 3);
  CHECK_STR (c->mounts[1].destination, "/data");
  CHECK_STR (c->mounts[1].type, "bind");
  CHECK_STR (c->mounts[1].source, "/srv/data");
  CHECK_STR (c->mounts[1].options[2], "idmap");
  CHECK (c->mounts[1].uid_mappings_len == 1 && c->mounts[1].uid_mappings[0].host_id == 100000);
  CHECK (c->mounts[1].uid_mappings[0].size == 65536 && c->mounts[1].uid_mappings[0].container_id == 0);
  CHECK (c->mounts[1].gid_mappings_len == 1 && c->mounts[1].gid_mappings[0].container_id == 1);
  CHECK (c->mounts[1].gid_mappings[0].host_id == 200000 && c->mounts[1].gid_mappings[0].size == 1000);
  CHECK (c->mounts[0].options == NULL && c->mounts[0].uid_mappings == NULL);
  CHECK (c->mounts[2].options != NULL && c->mounts[2].options_len == 0 && c->mounts[2].source == NULL);
}

static void
check_resources (const oci_resources *r)
{
  CHECK (r->devices_len == 2 && !r->devices[0].allow && r->devices[1].allow);
  CHECK_STR (r->devices[0].access, "rwm");
  CHECK (r->devices[0].type == NULL && !r->devices[0].has_major);
  CHECK_STR (r->devices[1].type, "c");
  CHECK (r->devices[1].has_major && r->devices[1].major == 10 && r->devices[1].minor == 229);
  CHECK (r->memory->has_limit && r->memory->limit == 536870912);
  CHECK (r->memory->has_reservation && r->memory->reservation == 268435456);
  CHECK (r->memory->has_swap && r->memory->swap == 1073741824);
  CHECK (r->memory->has_kernel && r->memory->kernel == -1);
  CHECK (r->memory->has_kernel_tcp && r->memory->kernel_tcp == -2);
  CHECK (r->memory->has_swappiness && r->memory->swappiness == 60);
  CHECK (r->memory->has_disable_oom_killer && r->memory->disable_oom_killer);
  CHECK (r->memory->has_use_hierarchy && !r->memory->use_hierarchy);
  CHECK (r->memory->has_check_before_update && r->memory->check_before_update);
  CHECK (r->cpu->has_shares && r->cpu->shares == 1024);
  CHECK (r->cpu->has_quota && r->cpu->quota == 150000);
  CHECK (r->cpu->has_burst && r->cpu->burst == 5000);
  CHECK (r->cpu->has_period && r->cpu->period == 100000);
  CHECK (r->cpu->has_realtime_runtime && r->cpu->realtime_runtime == 950000);
  CHECK (r->cpu->has_realtime_period && r->cpu->realtime_period == 1000000);
  CHECK_STR (r->cpu->cpus, "0-3");
  CHECK_STR (r->cpu->mems, "0");
  CHECK (r->cpu->has_idle && r->cpu->idle == 1);
  CHECK_INT (r->pids->limit, 32771);
  CHECK (r->block_io->has_weight && r->block_io->weight == 500);
  CHECK (r->block_io->has_leaf_weight && r->block_io->leaf_weight == 300);
  CHECK (r->block_io->weight_device_len == 1 && r->block_io->weight_device[0].weight == 600);
  CHECK (r->block_io->weight_device[0].has_leaf_weight && r->block_io->weight_device[0].leaf_weight == 200);
  CHECK (r->block_io->throttle_read_bps_device[0].minor == 1 && r->block_io->throttle_read_bps_device[0].rate == 1001);
  CHECK (r->block_io->throttle_write_bps_device[0].minor == 2 && r->block_io->throttle_write_bps_device[0].rate == 1002);
  CHECK (r->block_io->throttle_read_iops_device[0].minor == 3 && r->block_io->throttle_read_iops_device[0].rate == 1003);
  CHECK (r->block_io->throttle_write_iops_device[0].major == 8
         && r->block_io->throttle_write_iops_device[0].rate == 1004);
  CHECK (r->hugepage_limits_len == 2 && r->hugepage_limits[0].limit == 209715200);
  CHECK_STR (r->hugepage_limits[1].page_size, "1GB");
  CHECK (r->network->has_class_id && r->network->class_id == 1048577);
  CHECK (r->network->priorities_len == 1 && r->network->priorities[0].priority == 500);
  CHECK_STR (r->network->priorities[0].name, "eth0");
  CHECK_UINT (r->rdma_len, 2);
  CHECK_STR (r->rdma[0].key, "mlx5_1");
  CHECK (r->rdma[0].has_hca_handles && r->rdma[0].hca_handles == 3 && r->rdma[0].hca_objects == 10000);
  CHECK_STR (r->rdma[1].key, "mlx4_0");
  CHECK (!r->rdma[1].has_hca_handles && r->rdma[1].has_hca_objects && r->rdma[1].hca_objects == 1000);
  CHECK_UINT (r->unified->len, 2);
  CHECK_STR (oci_map_get (r->unified, "io.weight"), "default 100");
}

static void
check_seccomp (const oci_seccomp *s)
{
  CHECK_STR (s->default_action, "SCMP_ACT_ERRNO");
  CHECK (s->has_default_errno_ret && s->default_errno_ret == 38);
  CHECK (s->architectures_len == 2);
  CHECK_STR (s->architectures[1], "SCMP_ARCH_AARCH64");
  CHECK_STR (s->flags[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  CHECK_STR (s->listener_path, "/run/seccomp-agent.sock");
  CHECK_STR (s->listener_metadata, "every-metadata");
  CHECK_UINT (s->syscalls_len, 2);
  CHECK (s->syscalls[0].names_len == 2 && !s->syscalls[0].has_errno_ret && s->syscalls[0].args == NULL);
  CHECK_STR (s->syscalls[1].names[0], "personality");
  CHECK_STR (s->syscalls[1].action, "SCMP_ACT_ERRNO");
  CHECK (s->syscalls[1].has_errno_ret && s->syscalls[1].errno_ret == 1);
  CHECK_UINT (s->syscalls[1].args_len, 2);
  CHECK (s->syscalls[1].args[0].index == 0 && s->syscalls[1].args[0].value == 8 && !s->syscalls[1].args[0].has_value_two);
  CHECK_STR (s->syscalls[1].args[0].op, "SCMP_CMP_EQ");
  CHECK (s->syscalls[1].args[1].index == 1 && s->syscalls[1].args[1].value == 255);
  CHECK (s->syscalls[1].args[1].has_value_two && s->syscalls[1].args[1].value_two == UINT64_MAX);
  CHECK_STR (s->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
}

static void
check_linux (const oci_linux *l)
{
  CHECK_UINT (l->namespaces_len, 8);
  CHECK_STR (l->namespaces[1].type, "network");
  CHECK_STR (l->namespaces[1].path, "/var/run/netns/every");
  CHECK (l->namespaces[0].path == NULL);
  CHECK_STR (l->namespaces[7].type, "time");
  CHECK (l->uid_mappings_len == 1 && l->uid_mappings[0].host_id == 1000 && l->uid_mappings[0].size == 32000);
  CHECK (l->gid_mappings_len == 1 && l->gid_mappings[0].host_id == 2000 && l->gid_mappings[0].size == 16000);
  CHECK (l->time_offsets->boottime->has_secs && l->time_offsets->boottime->secs == -604800);
  CHECK (l->time_offsets->boottime->has_nanosecs && l->time_offsets->boottime->nanosecs == 999999999);
  CHECK (l->time_offsets->monotonic->secs == 172800 && l->time_offsets->monotonic->nanosecs == 7);
  CHECK_UINT (l->devices_len, 2);
  CHECK_STR (l->devices[1].type, "b");
  CHECK_STR (l->devices[1].path, "/dev/sdz");
  CHECK (l->devices[1].has_file_mode && l->devices[1].file_mode == 0777);
  CHECK (l->devices[1].major == 8 && l->devices[1].minor == 400);
  CHECK (l->devices[1].has_uid && l->devices[1].uid == 7 && l->devices[1].has_gid && l->devices[1].gid == 8);
  CHECK_UINT (l->net_devices_len, 2);
  CHECK_STR (l->net_devices[0].key, "eth9");
  CHECK_STR (l->net_devices[0].name, "ceth9");
  CHECK_STR (l->net_devices[1].key, "ens4");
  CHECK (l->net_devices[1].name == NULL);
  CHECK_STR (l->cgroups_path, "/every/container");
  CHECK_STR (l->intel_rdt->clos_id, "every-clos");
  CHECK (l->intel_rdt->schemata_len == 2);
  CHECK_STR (l->intel_rdt->schemata[1], "MB:0=50");
  CHECK_STR (l->intel_rdt->l3_cache_schema, "L3:0=ff");
  CHECK_STR (l->intel_rdt->mem_bw_schema, "MB:0=50");
  CHECK (l->intel_rdt->has_enable_monitoring && l->intel_rdt->enable_monitoring);
  CHECK_STR (oci_map_get (l->sysctl, "net.ipv4.ip_forward"), "1");
  CHECK_STR (oci_map_get (l->sysctl, "kernel.shmmax"), "4096");
  CHECK_STR (l->rootfs_propagation, "slave");
  CHECK (l->masked_paths_len == 2);
  CHECK_STR (l->masked_paths[1], "/proc/keys");
  CHECK (l->readonly_paths_len == 1);
  CHECK_STR (l->readonly_paths[0], "/proc/sys");
  CHECK_STR (l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK_STR (l->personality->domain, "LINUX32");
  CHECK (l->personality->flags != NULL && l->personality->flags_len == 0);
  CHECK_STR (l->memory_policy->mode, "MPOL_INTERLEAVE");
  CHECK_STR (l->memory_policy->nodes, "0-3,7");
  CHECK (l->memory_policy->flags_len == 1);
  CHECK_STR (l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
  check_seccomp (l->seccomp);
  check_resources (l->resources);
}

static void
check_config_every_field (void)
{
  oci_config *c = parse_fixture ("config/good/every-field.json", &oci_config_desc, "config.json");

  if (c == NULL)
    return;
  CHECK_STR (c->oci_version, "1.3.0");
  CHECK_STR (c->root->path, "rootfs-every");
  CHECK (c->root->has_readonly && c->root->readonly);
  CHECK_STR (c->hostname, "every-host");
  CHECK_STR (c->domainname, "every.example");
  CHECK (c->annotations->len == 2);
  CHECK_STR (oci_map_get (c->annotations, "org.casing.two"), "deux");
  CHECK (oci_map_get (c->annotations, "missing") == NULL);
  check_process (c->process);
  check_hooks_and_mounts (c);
  check_linux (c->linux_);
  oci_config_free (c);
}

static void
check_nulls_are_absent (void)
{
  oci_config *c = parse_fixture ("config/good/nulls-are-absent.json", &oci_config_desc, "config.json");

  if (c == NULL)
    return;
  CHECK (c->hostname == NULL && c->root == NULL && c->mounts == NULL);
  CHECK (c->process->args == NULL && c->process->capabilities == NULL);
  CHECK (c->process->user != NULL && !c->process->user->has_uid);
  CHECK (c->linux_->resources == NULL);
  CHECK (c->linux_->namespaces != NULL && c->linux_->namespaces_len == 0);
  oci_config_free (c);
}

/* Each vocabulary has a name at every index of its enum, and ends there. */
static void
check_vocabulary (const char *const *names, int count, const char *first, const char *last)
{
  int n = 0;

  while (names[n])
    n++;
  CHECK_INT (n, count);
  CHECK_STR (names[0], first);
  CHECK_STR (names[count - 1], last);
  CHECK_INT (oci_name_index (names, last), count - 1);
  CHECK_INT (oci_name_index (names, "nope"), -1);
  CHECK_INT (oci_name_index (names, NULL), -1);
}

static void
check_vocabularies (void)
{
  check_vocabulary (oci_namespace_types, OCI_NS_COUNT, "mount", "time");
  check_vocabulary (oci_seccomp_actions, OCI_SCMP_ACT_COUNT, "SCMP_ACT_KILL", "SCMP_ACT_NOTIFY");
  check_vocabulary (oci_seccomp_operators, OCI_SCMP_CMP_COUNT, "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ");
  check_vocabulary (oci_seccomp_flags, OCI_SECCOMP_FLAG_COUNT, "SECCOMP_FILTER_FLAG_TSYNC",
                    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  check_vocabulary (oci_mempolicy_modes, OCI_MPOL_COUNT, "MPOL_DEFAULT", "MPOL_LOCAL");
  check_vocabulary (oci_mempolicy_flags, OCI_MPOL_F_COUNT, "MPOL_F_NUMA_BALANCING", "MPOL_F_STATIC_NODES");
  check_vocabulary (oci_personality_domains, OCI_PER_COUNT, "LINUX", "LINUX32");
  check_vocabulary (oci_ioprio_classes, OCI_IOPRIO_CLASS_COUNT, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_IDLE");
  check_vocabulary (oci_sched_policies, OCI_SCHED_COUNT, "SCHED_OTHER", "SCHED_DEADLINE");
  check_vocabulary (oci_sched_flags, OCI_SCHED_FLAG_COUNT, "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_UTIL_CLAMP_MAX");
  CHECK_INT (oci_name_index (oci_seccomp_archs, "SCMP_ARCH_X86_64"), 1);
}

static void
check_other_documents (void)
{
  oci_process *p = parse_fixture ("process/good/every-field.json", &oci_process_desc, "process.json");
  oci_state *s = parse_fixture ("state/good/every-field.json", &oci_state_desc, "state");
  oci_features *f = parse_fixture ("features/good/every-field.json", &oci_features_desc, "features");
  casing_state *cs = parse_fixture ("casing-state/good/every-field.json", &casing_state_desc, "state.json");
  casing_state *old = parse_fixture ("casing-state/good/future-fields.json", &casing_state_desc, "state.json");

  if (p != NULL)
    {
      CHECK (p->has_terminal && !p->terminal);
      CHECK (p->console_size->width == 132 && p->user->uid == 33 && p->user->umask == 63);
      CHECK (p->user->additional_gids != NULL && p->user->additional_gids_len == 0);
      CHECK_STR (p->io_priority->class, "IOPRIO_CLASS_IDLE");
      CHECK (!p->io_priority->has_priority);
      CHECK (p->scheduler->nice == 19 && p->exec_cpu_affinity->initial == NULL);
    }
  if (s != NULL)
    {
      CHECK_STR (s->id, "every-container");
      CHECK_STR (s->status, "running");
      CHECK (s->has_pid && s->pid == 4422);
      CHECK_STR (s->bundle, "/run/bundles/every");
      CHECK_STR (oci_map_get (s->annotations, "org.casing.state"), "yes");
      CHECK_STR (s->rootfs, "/run/bundles/every/rootfs");
      CHECK_STR (s->created, "2026-11-29T14:00:00.123456789Z");
      CHECK_STR (s->owner, "root");
    }
  if (f != NULL)
    {
      CHECK_STR (f->oci_version_max, "1.3.0");
      CHECK (f->hooks_len == 6 && f->mount_options_len == 3 && f->potentially_unsafe_config_annotations_len == 2);
      CHECK_STR (f->linux_->capabilities[1], "CAP_SYS_ADMIN");
      CHECK (f->linux_->cgroup->has_v1 && !f->linux_->cgroup->v1 && f->linux_->cgroup->v2 && f->linux_->cgroup->rdma);
      CHECK (f->linux_->seccomp->enabled && f->linux_->seccomp->supported_flags != NULL
             && f->linux_->seccomp->supported_flags_len == 0);
      CHECK (f->linux_->apparmor->enabled && f->linux_->selinux->has_enabled && !f->linux_->selinux->enabled);
      CHECK (f->linux_->mount_extensions->idmap->enabled && f->linux_->net_devices->enabled);
      CHECK (f->linux_->intel_rdt->enabled);
      CHECK (f->linux_->memory_policy->modes_len == 2 && f->linux_->memory_policy->flags_len == 1);
      CHECK_STR (f->linux_->memory_policy->modes[1], "MPOL_BIND");
    }
  if (cs != NULL)
    {
      CHECK (cs->has_pid && cs->pid == 12345 && cs->has_pid_start_time && cs->pid_start_time == 987654321);
      CHECK_STR (cs->config_path, "/run/casing/every/config.json");
      CHECK_STR (cs->cgroup_path, "/sys/fs/cgroup/casing/every");
      CHECK (cs->has_systemd_cgroup && cs->systemd_cgroup && cs->has_rootless && !cs->rootless && cs->detached);
      CHECK_STR (oci_map_get (cs->extra, "seccomp.notify"), "");
      CHECK_STR (cs->owner, "root");
    }
  if (old != NULL)
    {
      CHECK_STR (old->status, "hibernating");
      CHECK (!old->has_pid && old->extra == NULL);
    }
  oci_process_free (p);
  oci_state_free (s);
  oci_features_free (f);
  casing_state_free (cs);
  casing_state_free (old);
}

static void
check_container_process_state (void)
{
  oci_container_process_state *s
      = parse_fixture ("process-state/good/spec-example.json", &oci_container_process_state_desc, "cps");
  char *err = NULL, *out;

  if (s == NULL)
    return;
  CHECK (s->fds_len == 1 && s->pid == 4422);
  CHECK_STR (s->fds[0], "seccompFd");
  CHECK_STR (s->metadata, "MKNOD=/dev/null,/dev/net/tun;BPF_MAP_TYPES=hash,array");
  CHECK_STR (s->state->status, "creating");
  CHECK_STR (oci_map_get (s->state->annotations, "myKey"), "myValue");
  out = oci_container_process_state_generate (s, false, &err);
  CHECK_STR (out, "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":4422,\"metadata\":"
                  "\"MKNOD=/dev/null,/dev/net/tun;BPF_MAP_TYPES=hash,array\",\"state\":{\"ociVersion\":\"1.0.2\","
                  "\"id\":\"oci-container1\",\"status\":\"creating\",\"pid\":4422,\"bundle\":"
                  "\"/containers/redis\",\"annotations\":{\"myKey\":\"myValue\"}}}");
  free (out);
  free (err);
  oci_container_process_state_free (s);
}

/* runc and crun take the recursive forms too, and engines send them. */
static void
check_rootfs_propagation (void)
{
  static const char *const values[] = { "private", "shared", "slave", "unbindable",
                                        "rprivate", "rshared", "rslave", "runbindable" };
  char json[256], *err = NULL, *out;
  oci_config *c = NULL;

  for (size_t i = 0; i < sizeof (values) / sizeof (values[0]); i++)
    {
      snprintf (json, sizeof (json), "{\"ociVersion\":\"1.3.0\",\"linux\":{\"rootfsPropagation\":\"%s\"}}",
                values[i]);
      if (!CHECK (oci_config_parse_data (json, strlen (json), NULL, &c, &err) == 0))
        {
          fprintf (stderr, "     %s: %s\n", values[i], err);
          free (err);
          continue;
        }
      CHECK_STR (c->linux_->rootfs_propagation, values[i]);
      out = oci_config_generate (c, false, NULL);
      CHECK_STR (out, json);
      free (out);
      oci_config_free (c);
    }
  snprintf (json, sizeof (json), "{\"ociVersion\":\"1\",\"linux\":{\"rootfsPropagation\":\"rsharedx\"}}");
  CHECK (oci_config_parse_data (json, strlen (json), NULL, &c, &err) < 0 && c == NULL);
  free (err);
}

static void
check_map_helpers (void)
{
  oci_map m = { 0 };

  CHECK (oci_map_set (&m, "a", "1") == 0);
  CHECK (oci_map_set (&m, "b", "2") == 0);
  CHECK (oci_map_set (&m, "a", "3") == 0);
  CHECK_UINT (m.len, 2);
  CHECK_STR (oci_map_get (&m, "a"), "3");
  CHECK_STR (m.items[1].key, "b");
  CHECK (oci_map_set (&m, NULL, "x") < 0);
  CHECK (oci_map_get (NULL, "a") == NULL);
  for (size_t i = 0; i < m.len; i++)
    {
      free (m.items[i].key);
      free (m.items[i].value);
    }
  free (m.items);
}

int
main (void)
{
  UNIT_RUN (check_config_every_field ());
  UNIT_RUN (check_nulls_are_absent ());
  UNIT_RUN (check_other_documents ());
  UNIT_RUN (check_vocabularies ());
  UNIT_RUN (check_container_process_state ());
  UNIT_RUN (check_rootfs_propagation ());
  UNIT_RUN (check_map_helpers ());
  return unit_done ("test_ocispec_parse");
}
