/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The credentials a checkpoint would give its processes, read from the
 * images before criu restores anything: criu sets them last, after its
 * last notification with the tasks stopped, so they cannot be checked
 * live in time (criu_verify.c checks them again once the tasks run).
 *
 * Every thread criu restores is in pstree.img (task pid + thread ids) and
 * has a core-TID.img whose thread_core holds its creds (capability sets,
 * ids) and seccomp mode (criu 3.x images: a magic pair, then entries each
 * prefixed with their u32 size, protobuf-encoded; images/pstree.proto,
 * core.proto, creds.proto). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine/caps.h"
#include "core/utils.h"
#include "criu_internal.h"
#include "criu_proto.h"

#define IMG_COMMON_MAGIC 0x54564319u
#define PSTREE_MAGIC 0x50273030u
#define CORE_MAGIC 0x55053847u
#define SECCOMP_MODE_FILTER 2
#define CAP_SETUID_BIT 7
#define CAP_SETGID_BIT 6

struct image
{
  char *data;
  size_t len, off;
};

static uint32_t
le32 (const char *p)
{
  const unsigned char *u = (const unsigned char *) p;
  return u[0] | (uint32_t) u[1] << 8 | (uint32_t) u[2] << 16 | (uint32_t) u[3] << 24;
}

/* Never a symlink planted in the images directory. */
static int
image_open (int dirfd, const char *name, uint32_t magic, struct image *img, casing_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

  memset (img, 0, sizeof *img);
  if (fd < 0)
    return casing_error_errno (err, "image `%s`", name);
  if (read_all_fd (fd, name, &img->data, &img->len, err) < 0)
    return -1;
  if (img->len < 8 || le32 (img->data) != IMG_COMMON_MAGIC || le32 (img->data + 4) != magic)
    return casing_error_set (err, EINVAL, "image `%s`: not a criu image of that kind", name);
  img->off = 8;
  return 0;
}

/* The next entry: 1 with *p and *n set, 0 at the end, -1 when truncated. */
static int
image_entry (struct image *img, const char **p, size_t *n)
{
  uint32_t size;

  if (img->off == img->len)
    return 0;
  if (img->len - img->off < 4)
    return -1;
  size = le32 (img->data + img->off);
  img->off += 4;
  if (size > img->len - img->off)
    return -1;
  *p = img->data + img->off;
  *n = size;
  img->off += size;
  return 1;
}

/* A repeated uint32 field, packed or not: appends to v[]. */
static void
repeated_u32 (const struct pb_field *f, uint32_t *v, size_t max, size_t *n)
{
  if (f->wire == PB_VARINT)
    {
      if (*n < max)
        v[(*n)++] = (uint32_t) f->value;
      return;
    }
  if (f->wire == PB_LEN)
    {
      struct pb_reader r;
      pb_reader_init (&r, f->data, f->len);
      while (r.p < r.end && *n < max)
        {
          uint64_t x = 0;
          unsigned shift = 0;
          while (r.p < r.end && shift < 64)
            {
              uint8_t b = *r.p++;
              x |= (uint64_t) (b & 0x7f) << shift;
              shift += 7;
              if (!(b & 0x80))
                break;
            }
          v[(*n)++] = (uint32_t) x;
        }
    }
}

struct creds
{
  bool present;
  uint32_t ids[8];       /* uid gid euid egid suid sgid fsuid fsgid */
  bool has_id[8];
  uint32_t caps[4][2];   /* inh prm eff bnd, 32-bit words */
  size_t n_caps[4];
  uint32_t groups[64];
  size_t n_groups;
};

static int
parse_creds (const struct pb_field *outer, struct creds *c)
{
  struct pb_reader r;
  struct pb_field f;
  int n;

  c->present = true;
  pb_reader_init (&r, outer->data, outer->len);
  while ((n = pb_next (&r, &f)) > 0)
    {
      if (f.number >= 1 && f.number <= 8 && f.wire == PB_VARINT)
        {
          c->ids[f.number - 1] = (uint32_t) f.value;
          c->has_id[f.number - 1] = true;
        }
      else if (f.number >= 9 && f.number <= 12)
        repeated_u32 (&f, c->caps[f.number - 9], 2, &c->n_caps[f.number - 9]);
      else if (f.number == 14)
        repeated_u32 (&f, c->groups, sizeof c->groups / sizeof c->groups[0], &c->n_groups);
    }
  return n;
}

struct thread_facts
{
  struct creds creds;
  int seccomp_mode;      /* -1: not in thread_core */
  int old_seccomp_mode;  /* task_core's, for older images */
};

static int
parse_thread_core (const struct pb_field *outer, struct thread_facts *t)
{
  struct pb_reader r;
  struct pb_field f;
  int n;

  pb_reader_init (&r, outer->data, outer->len);
  while ((n = pb_next (&r, &f)) > 0)
    {
      if (f.number == 10 && f.wire == PB_LEN && parse_creds (&f, &t->creds) < 0)
        return -1;
      if (f.number == 11 && f.wire == PB_VARINT)
        t->seccomp_mode = (int) f.value;
    }
  return n;
}

static int
parse_task_core (const struct pb_field *outer, struct thread_facts *t)
{
  struct pb_reader r;
  struct pb_field f;
  int n;

  pb_reader_init (&r, outer->data, outer->len);
  while ((n = pb_next (&r, &f)) > 0)
    if (f.number == 11 && f.wire == PB_VARINT)
      t->old_seccomp_mode = (int) f.value;
  return n;
}

static int
read_core (int dirfd, uint32_t tid, struct thread_facts *t, casing_error_t *err)
{
  char name[64];
  struct image img;
  const char *p = NULL;
  size_t n;
  struct pb_reader r;
  struct pb_field f;
  int k, ret = 0;

  memset (t, 0, sizeof *t);
  t->seccomp_mode = -1;
  snprintf (name, sizeof name, "core-%u.img", tid);
  if (image_open (dirfd, name, CORE_MAGIC, &img, err) < 0)
    {
      free (img.data);
      return -1;
    }
  if (image_entry (&img, &p, &n) <= 0)
    ret = casing_error_set (err, EINVAL, "image `%s`: no entry", name);
  pb_reader_init (&r, p, ret < 0 ? 0 : n);
  while (ret == 0 && (k = pb_next (&r, &f)) != 0)
    {
      if (k < 0 || (f.wire == PB_LEN && ((f.number == 5 && parse_thread_core (&f, t) < 0)
                                         || (f.number == 3 && parse_task_core (&f, t) < 0))))
        ret = casing_error_set (err, EINVAL, "image `%s`: malformed", name);
    }
  free (img.data);
  return ret;
}

static uint64_t
caps_of (const struct creds *c, int set)
{
  uint64_t v = c->n_caps[set] > 0 ? c->caps[set][0] : 0;
  if (c->n_caps[set] > 1)
    v |= (uint64_t) c->caps[set][1] << 32;
  return v;
}

static int
check_caps (const struct creds *c, const struct caps_masks *m, uint32_t tid, casing_error_t *err)
{
  const char *names[] = { "inheritable", "permitted", "effective", "bounding" };
  uint64_t allowed[] = { m->inheritable, m->permitted, m->effective, m->bounding };

  for (int s = 0; s < 4; s++)
    if (caps_of (c, s) & ~allowed[s])
      return casing_error_set (err, EPERM, "thread %u of the checkpoint has %s capabilities the config does "
                               "not give (%#llx, allowed %#llx)", tid, names[s],
                               (unsigned long long) caps_of (c, s), (unsigned long long) allowed[s]);
  return 0;
}

/* With no_new_privs and no CAP_SETUID/CAP_SETGID, the process can never
 * have had other ids than the config's: an image with others (root) is
 * refused. */
static int
check_ids (const struct creds *c, const oci_config *config, const struct caps_masks *m, bool nnp, uint32_t tid,
           casing_error_t *err)
{
  const oci_user *u = config->process->user;

  if (!nnp)
    return 0;
  for (int i = 0; i < 8; i++)
    {
      bool is_uid = i % 2 == 0;
      uint64_t cap = 1ULL << (is_uid ? CAP_SETUID_BIT : CAP_SETGID_BIT);
      uint32_t want = u == NULL ? 0 : is_uid ? (uint32_t) u->uid : (uint32_t) u->gid;
      if ((m->bounding & cap) || !c->has_id[i] || c->ids[i] == want)
        continue;
      return casing_error_set (err, EPERM, "thread %u of the checkpoint runs as %s %u, the config as %u", tid,
                               is_uid ? "uid" : "gid", c->ids[i], want);
    }
  return 0;
}

static int
check_thread (int dirfd, uint32_t tid, const oci_config *config, const struct caps_masks *m, bool nnp,
              bool seccomp, casing_error_t *err)
{
  struct thread_facts t;
  int mode;

  if (read_core (dirfd, tid, &t, err) < 0)
    return -1;
  if (!t.creds.present)
    return casing_error_set (err, EINVAL, "core-%u.img has no credentials (images older than criu 3): they "
                             "cannot be checked", tid);
  if (check_caps (&t.creds, m, tid, err) < 0 || check_ids (&t.creds, config, m, nnp, tid, err) < 0)
    return -1;
  mode = t.seccomp_mode >= 0 ? t.seccomp_mode : t.old_seccomp_mode;
  if (seccomp && mode != SECCOMP_MODE_FILTER)
    return casing_error_set (err, EPERM, "thread %u of the checkpoint has no seccomp filter, which the config "
                             "sets", tid);
  return 0;
}

/* pstree_entry: pid = 1, threads = 5 (repeated). */
static int
each_thread (const char *p, size_t n, uint32_t *tids, size_t max, size_t *count)
{
  struct pb_reader r;
  struct pb_field f;
  int k;

  pb_reader_init (&r, p, n);
  while ((k = pb_next (&r, &f)) > 0)
    if (f.number == 5)
      repeated_u32 (&f, tids, max, count);
  return k;
}

int
criu_verify_images (const oci_config *config, int images_fd, casing_error_t *err)
{
  struct caps_masks m = { 0 };
  bool nnp, seccomp;
  struct image img;
  const char *p;
  size_t n;
  int k, ret = 0;

  if (config->process->capabilities && caps_parse (config->process->capabilities, &m, err) < 0)
    return -1;
  if (criu_confinement (config, &nnp, &seccomp, err) < 0)
    return -1;
  if (image_open (images_fd, "pstree.img", PSTREE_MAGIC, &img, err) < 0)
    {
      free (img.data);
      return -1;
    }
  while (ret == 0 && (k = image_entry (&img, &p, &n)) != 0)
    {
      uint32_t tids[1024];
      size_t count = 0;
      if (k < 0 || each_thread (p, n, tids, sizeof tids / sizeof tids[0], &count) < 0 || count == 0)
        ret = casing_error_set (err, EINVAL, "pstree.img: malformed");
      else if (count == sizeof tids / sizeof tids[0])
        ret = casing_error_set (err, E2BIG, "pstree.img: a task with more than %zu threads", count - 1);
      for (size_t i = 0; ret == 0 && i < count; i++)
        ret = check_thread (images_fd, tids[i], config, &m, nnp, seccomp, err);
    }
  free (img.data);
  return ret < 0 ? casing_error_prefix (err, "the checkpoint is refused") : 0;
}
