/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CRIU RPC wire format (criu_proto.c, criu_rpc.c) and the check of
 * the credentials in checkpoint images (criu_verify_images.c), on crafted
 * bytes: no criu needed. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/criu_internal.h"
#include "container/criu_proto.h"
#include "container/criu_rpc.h"
#include "core/utils.h"
#include "unit_test.h"

static bool
bytes_eq (const struct pb_buf *b, const char *hex)
{
  size_t n = strlen (hex) / 2;
  if (b->len != n)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      unsigned v;
      sscanf (hex + 2 * i, "%2x", &v);
      if (b->data[i] != v)
        return false;
    }
  return true;
}

static void
test_encoding (void)
{
  struct pb_buf b = { 0 };

  pb_put_uint (&b, 1, 300);
  CHECK (bytes_eq (&b, "08ac02"));
  pb_buf_free (&b);
  /* int32 -1 is ten bytes on the wire */
  pb_put_int (&b, 2, -1);
  CHECK (bytes_eq (&b, "10ffffffffffffffffff01"));
  pb_buf_free (&b);
  pb_put_string (&b, 10, "ab");
  CHECK (bytes_eq (&b, "52026162"));
  pb_buf_free (&b);
  pb_put_bool (&b, 50, true);
  CHECK (bytes_eq (&b, "900301"));
  pb_buf_free (&b);
}

/* The field `number` of a message, as a reader finds it (the last one). */
static bool
find (const void *data, size_t len, unsigned number, struct pb_field *out)
{
  struct pb_reader r;
  struct pb_field f;
  bool found = false;

  pb_reader_init (&r, data, len);
  while (pb_next (&r, &f) > 0)
    if (f.number == number)
      {
        *out = f;
        found = true;
      }
  return found;
}

static void
test_request (void)
{
  struct criu_opts o;
  struct pb_buf b = { 0 };
  struct pb_field f, opts, sub;
  cleanup_free char *s = NULL;

  criu_opts_init (&o);
  o.images_dir_fd = 5;
  o.pid = 42;
  o.leave_running = true;
  o.log_file = "dump.log";
  o.cg_mode = CRIU_CG_IGNORE;
  criu_opts_add_ext_mnt (&o, "/data", "/srv/data");
  criu_opts_add_external (&o, "net[%u]:%s", 4026531992u, CRIU_EXT_NET_KEY);
  criu_opts_add_cg_root (&o, NULL, "/c1");
  criu_req_encode (&b, CRIU_REQ_DUMP, &o, false, false);
  CHECK (find (b.data, b.len, 1, &f) && f.wire == PB_VARINT && f.value == CRIU_REQ_DUMP);
  CHECK (!find (b.data, b.len, 3, &f)); /* notify_success only in NOTIFY */
  CHECK (find (b.data, b.len, 2, &opts) && opts.wire == PB_LEN);
  CHECK (find (opts.data, opts.len, 1, &f) && f.value == 5);
  CHECK (find (opts.data, opts.len, 2, &f) && f.value == 42);
  CHECK (find (opts.data, opts.len, 3, &f) && f.value == 1);
  /* IGNORE is 0 and still sent: it differs from criu's default */
  CHECK (find (opts.data, opts.len, 34, &f) && f.value == CRIU_CG_IGNORE);
  CHECK (!find (opts.data, opts.len, 17, &f)); /* no work_dir_fd */
  CHECK (find (opts.data, opts.len, 10, &f) && (s = pb_field_string (&f)) && strcmp (s, "dump.log") == 0);
  CHECK (find (opts.data, opts.len, 23, &sub));
  CHECK (find (sub.data, sub.len, 2, &f) && f.len == 9 && memcmp (f.data, "/srv/data", 9) == 0);
  CHECK (find (opts.data, opts.len, 37, &f) && f.len == strlen ("net[4026531992]:extRootNetNS"));
  /* cgroup_root without a controller: only its path */
  CHECK (find (opts.data, opts.len, 25, &sub) && !find (sub.data, sub.len, 1, &f) && find (sub.data, sub.len, 2, &f));
  pb_buf_free (&b);
  criu_req_encode (&b, CRIU_REQ_NOTIFY, NULL, true, false);
  CHECK (bytes_eq (&b, "08061801"));
  pb_buf_free (&b);
  criu_opts_release (&o);
}

static void
test_response (void)
{
  struct criu_resp r = { .fd = -1 };
  struct pb_buf b = { 0 }, sub = { 0 };
  cleanup_casing_error casing_error_t err = NULL;

  pb_put_uint (&b, 1, CRIU_REQ_RESTORE);
  pb_put_bool (&b, 2, true);
  pb_put_int (&sub, 1, 1234);
  pb_put_message (&b, 4, &sub);
  pb_buf_free (&sub);
  pb_put_uint (&b, 99, 7);                        /* an unknown field is skipped */
  pb_put_bytes (&b, 98, "xyz", 3);
  CHECK (criu_resp_decode (b.data, b.len, &r, &err) == 0);
  CHECK (r.type == CRIU_REQ_RESTORE && r.success && r.restore_pid == 1234);
  criu_resp_release (&r);
  pb_buf_free (&b);

  pb_put_uint (&b, 1, CRIU_REQ_NOTIFY);
  pb_put_bool (&b, 2, true);
  pb_put_string (&sub, 1, "post-restore");
  pb_put_int (&sub, 2, 99);
  pb_put_message (&b, 5, &sub);
  pb_buf_free (&sub);
  pb_put_string (&b, 9, "no such file");
  CHECK (criu_resp_decode (b.data, b.len, &r, &err) == 0);
  CHECK_STR (r.notify_script, "post-restore");
  CHECK (r.notify_pid == 99);
  CHECK_STR (r.cr_errmsg, "no such file");
  criu_resp_release (&r);
  pb_buf_free (&b);

  /* a length past the end, a truncated varint, field number 0, no type */
  CHECK (criu_resp_decode ("\x08\x02\x4a\x10" "ab", 6, &r, &err) < 0 && err->status == EPROTO);
  casing_error_release (&err);
  CHECK (criu_resp_decode ("\x08\xff", 2, &r, &err) < 0);
  casing_error_release (&err);
  CHECK (criu_resp_decode ("\x00\x01", 2, &r, &err) < 0);
  casing_error_release (&err);
  CHECK (criu_resp_decode ("\x10\x01", 2, &r, &err) < 0);
  casing_error_release (&err);
  criu_resp_release (&r);
}

/* ---- images ---- */

static void
raw_append (struct pb_buf *b, const void *p, size_t n)
{
  b->data = xrealloc (b->data, b->len + n);
  memcpy (b->data + b->len, p, n);
  b->len += n;
  b->cap = b->len;
}

static void
put_le32 (struct pb_buf *b, uint32_t v)
{
  uint8_t x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  raw_append (b, x, 4);
}

static void
write_image (int dirfd, const char *name, uint32_t magic, const struct pb_buf *entries, size_t n)
{
  struct pb_buf img = { 0 };
  int fd;

  put_le32 (&img, 0x54564319u);
  put_le32 (&img, magic);
  for (size_t i = 0; i < n; i++)
    {
      put_le32 (&img, (uint32_t) entries[i].len);
      raw_append (&img, entries[i].data, entries[i].len);
    }
  fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK (fd >= 0 && write_all (fd, img.data, img.len) == 0);
  close (fd);
  pb_buf_free (&img);
}

/* core-TID.img: thread_core { creds { uid, gid, caps... }, seccomp_mode } */
static void
write_core (int dirfd, unsigned tid, uint32_t uid, uint64_t prm, int seccomp_mode)
{
  struct pb_buf creds = { 0 }, tc = { 0 }, core = { 0 };
  char name[32];

  pb_put_uint (&creds, 1, uid);
  pb_put_uint (&creds, 2, 0);
  pb_put_uint (&creds, 3, uid);
  pb_put_uint (&creds, 4, 0);
  for (unsigned set = 9; set <= 12; set++)
    {
      pb_put_uint (&creds, set, set == 9 ? 0 : (uint32_t) prm);
      pb_put_uint (&creds, set, set == 9 ? 0 : (uint32_t) (prm >> 32));
    }
  pb_put_message (&tc, 10, &creds);
  if (seccomp_mode >= 0)
    pb_put_uint (&tc, 11, (uint64_t) seccomp_mode);
  pb_put_uint (&core, 1, 1);
  pb_put_message (&core, 5, &tc);
  snprintf (name, sizeof name, "core-%u.img", tid);
  write_image (dirfd, name, 0x55053847u, &core, 1);
  pb_buf_free (&creds);
  pb_buf_free (&tc);
  pb_buf_free (&core);
}

static void
write_pstree (int dirfd, unsigned pid, unsigned thread2)
{
  struct pb_buf e = { 0 };

  pb_put_uint (&e, 1, pid);
  pb_put_uint (&e, 2, 0);
  pb_put_uint (&e, 5, pid);
  if (thread2)
    pb_put_uint (&e, 5, thread2);
  write_image (dirfd, "pstree.img", 0x50273030u, &e, 1);
  pb_buf_free (&e);
}

static oci_config *
config_with (const char *caps, bool nnp)
{
  cleanup_free char *json = NULL;
  oci_config *c = NULL;
  char *msg = NULL;

  xasprintf (&json,
             "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
             "\"user\":{\"uid\":1000,\"gid\":0},\"noNewPrivileges\":%s,\"capabilities\":{\"bounding\":[%s],"
             "\"effective\":[%s],\"permitted\":[%s]}}}",
             nnp ? "true" : "false", caps, caps, caps);
  CHECK (oci_config_parse_data (json, strlen (json), "config.json", &c, &msg) == 0);
  free (msg);
  return c;
}

static void
test_images (void)
{
  char dir[] = "/tmp/casing-criu-test-XXXXXX";
  cleanup_casing_error casing_error_t err = NULL;
  oci_config *c = config_with ("\"CAP_KILL\",\"CAP_CHOWN\"", true);
  uint64_t kill_chown = (1ULL << 5) | (1ULL << 0);
  int dirfd;

  CHECK (mkdtemp (dir) != NULL);
  dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  write_pstree (dirfd, 1, 7);
  write_core (dirfd, 1, 1000, kill_chown, -1);
  write_core (dirfd, 7, 1000, kill_chown, -1);
  CHECK (criu_verify_images (c, dirfd, &err) == 0);
  casing_error_release (&err);

  /* a second thread with every capability */
  write_core (dirfd, 7, 1000, 0x1ffffffffffULL, -1);
  CHECK (criu_verify_images (c, dirfd, &err) < 0 && err->status == EPERM && strstr (err->msg, "thread 7"));
  casing_error_release (&err);

  /* root where no_new_privs and no CAP_SETUID keep uid 1000 */
  write_core (dirfd, 7, 0, kill_chown, -1);
  CHECK (criu_verify_images (c, dirfd, &err) < 0 && strstr (err->msg, "uid 0"));
  casing_error_release (&err);
  oci_config_free (c);
  c = config_with ("\"CAP_KILL\",\"CAP_CHOWN\"", false);
  CHECK (criu_verify_images (c, dirfd, &err) == 0);
  casing_error_release (&err);

  /* a thread listed without its core image, a symlink planted instead */
  write_pstree (dirfd, 1, 8);
  CHECK (symlinkat ("core-1.img", dirfd, "core-8.img") == 0);
  CHECK (criu_verify_images (c, dirfd, &err) < 0 && err->status == ELOOP);
  casing_error_release (&err);

  oci_config_free (c);
  close (dirfd);
  {
    char cmd[64];
    snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK (system (cmd) == 0);
  }
}

int
main (void)
{
  UNIT_RUN (test_encoding ());
  UNIT_RUN (test_request ());
  UNIT_RUN (test_response ());
  UNIT_RUN (test_images ());
  return unit_done ("test_criu");
}
