/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `casing spec`: write a starter config.json, like `runc spec`. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_options.h"
#include "commands.h"
#include "ocispec.h"
#include "core/utils.h"

/* Parsed with our own parser, so what we write is what we accept. */
static const char default_spec[] =
  "{\"ociVersion\":\"" OCI_SPEC_VERSION "\","
  "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
  "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"],"
  "\"cwd\":\"/\","
  "\"capabilities\":{"
  "\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
  "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
  "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
  "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
  "\"noNewPrivileges\":true},"
  "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
  "\"hostname\":\"casing\","
  "\"mounts\":["
  "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
  "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
  "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
  "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
  "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
  "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
  "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
  "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
  "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
  "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
  "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
  "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
  "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
  "\"linux\":{"
  "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
  "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
  "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
  "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
  "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\","
  "\"/sys/firmware\",\"/proc/scsi\"],"
  "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
  "\"/proc/sysrq-trigger\"]}}";

enum spec_key
{
  SPEC_BUNDLE = 1,
  SPEC_ROOTLESS,
  SPEC_HELP,
};

static const struct cmd_option spec_opts[] = {
  { "bundle", 'b', CMD_OPT_VALUE, SPEC_BUNDLE, "DIR", "write config.json into DIR (default: .)" },
  { "rootless", 0, CMD_OPT_FLAG, SPEC_ROOTLESS, NULL,
    "a spec for a container run by an unprivileged user (user namespace, no network namespace)" },
  { "help", 'h', CMD_OPT_FLAG, SPEC_HELP, NULL, "show this help" },
  { NULL, 0, 0, 0, NULL, NULL },
};

struct spec_args
{
  const char *bundle;
  bool rootless;
  bool help;
};

static int
spec_option (void *data, int key, const char *value, casing_error_t *err)
{
  struct spec_args *a = data;
  switch (key)
    {
    case SPEC_BUNDLE:
      a->bundle = value;
      return 0;
    case SPEC_ROOTLESS:
      return cmd_flag_value (value, &a->rootless, err);
    default:
      a->help = true;
      return 0;
    }
}

static void
remove_namespace (oci_linux *l, const char *type)
{
  size_t out = 0;
  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      if (strcmp (l->namespaces[i].type, type) == 0)
        {
          free (l->namespaces[i].type);
          free (l->namespaces[i].path);
          continue;
        }
      l->namespaces[out++] = l->namespaces[i];
    }
  l->namespaces_len = out;
}

static oci_id_mapping *
single_mapping (uint32_t host_id)
{
  oci_id_mapping *m = xmalloc0 (sizeof *m);
  m->container_id = 0;
  m->host_id = host_id;
  m->size = 1;
  return m;
}

/* Without root: a user namespace mapping us to root, no new network
 * namespace (we could not configure it), the host's /sys bound instead of a
 * new sysfs (the kernel refuses one without a netns we own), no cgroup
 * mount or resources (no delegation is assumed), and no gid= on devpts
 * (that gid is not mapped). */
static void
make_rootless (oci_config *c)
{
  oci_linux *l = c->linux_;
  oci_namespace *ns;

  remove_namespace (l, "network");
  remove_namespace (l, "cgroup");
  l->namespaces = xrealloc (l->namespaces, (l->namespaces_len + 1) * sizeof *l->namespaces);
  ns = &l->namespaces[l->namespaces_len++];
  memset (ns, 0, sizeof *ns);
  ns->type = xstrdup ("user");
  l->uid_mappings = single_mapping (geteuid ());
  l->uid_mappings_len = 1;
  l->gid_mappings = single_mapping (getegid ());
  l->gid_mappings_len = 1;
  oci_resources_free (l->resources);
  l->resources = NULL;

  size_t out = 0;
  for (size_t i = 0; i < c->mounts_len; i++)
    {
      oci_mount *m = &c->mounts[i];
      if (strcmp (m->destination, "/sys/fs/cgroup") == 0)
        {
          free (m->destination), free (m->source), free (m->type);
          for (size_t j = 0; j < m->options_len; j++)
            free (m->options[j]);
          free (m->options);
          continue;
        }
      if (strcmp (m->destination, "/sys") == 0)
        {
          free (m->type), free (m->source);
          m->type = xstrdup ("none");
          m->source = xstrdup ("/sys");
          for (size_t j = 0; j < m->options_len; j++)
            free (m->options[j]);
          m->options = xrealloc (m->options, 5 * sizeof (char *));
          m->options[0] = xstrdup ("rbind");
          m->options[1] = xstrdup ("nosuid");
          m->options[2] = xstrdup ("noexec");
          m->options[3] = xstrdup ("nodev");
          m->options[4] = xstrdup ("ro");
          m->options_len = 5;
        }
      for (size_t j = 0; j < m->options_len; j++)
        if (strncmp (m->options[j], "gid=", 4) == 0)
          {
            free (m->options[j]);
            memmove (&m->options[j], &m->options[j + 1], (m->options_len - j - 1) * sizeof (char *));
            m->options_len--;
            j--;
          }
      c->mounts[out++] = *m;
    }
  c->mounts_len = out;
}

int
cmd_spec (struct global_options *g, int argc, char **argv, casing_error_t *err)
{
  struct spec_args a = { .bundle = ".", .rootless = g->rootless };
  oci_config *config = NULL;
  cleanup_free char *json = NULL;
  cleanup_free char *path = NULL;
  char *msg = NULL;
  int first, fd;

  first = cmd_parse_options ("spec", spec_opts, argc - 1, argv + 1, spec_option, &a, err);
  if (first < 0)
    return -1;
  if (a.help)
    {
      cmd_print_help (stdout, "casing spec [--bundle DIR] [--rootless]",
                      "Write a starter config.json (busybox-friendly: runs `sh` with a terminal).",
                      spec_opts);
      return 0;
    }
  if (first + 1 < argc)
    return casing_error_set (err, 0, "spec: unexpected argument `%s`", argv[first + 1]);
  if (oci_config_parse_data (default_spec, strlen (default_spec), "default spec", &config, &msg) < 0)
    return casing_error_take (err, EINVAL, msg);
  if (a.rootless)
    make_rootless (config);
  json = oci_config_generate (config, true, &msg);
  oci_config_free (config);
  if (json == NULL)
    return casing_error_take (err, EINVAL, msg);

  xasprintf (&path, "%s/config.json", a.bundle);
  /* Never overwrite an existing config, as runc refuses too. */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return casing_error_errno (err, "spec: create `%s`", path);
  if (write_all (fd, json, strlen (json)) < 0 || write_all (fd, "\n", 1) < 0)
    {
      int saved = errno;
      close (fd);
      unlink (path);
      return casing_error_set (err, saved, "spec: write `%s`", path);
    }
  close (fd);
  return 0;
}
