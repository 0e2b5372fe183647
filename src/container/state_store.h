/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-container state directory under --root:
 *
 *   ROOT/ID/state.json     casing_state (status, pid + start time, cgroup...)
 *   ROOT/ID/config.json    the config.json bytes used at create
 *   ROOT/ID/lock           flock(2) target serializing commands on this id
 *   ROOT/ID/start.sock     listening socket of a `created` container; `start`
 *                          connects to it and removes it
 *
 * ROOT and ROOT/ID are made 0700 and start.sock 0600 whatever the umask;
 * the init also refuses a start.sock peer other than the creator or root.
 *
 * Commands that change a container (create, start, delete, update, pause...)
 * open it with STATE_LOCK_EXCLUSIVE and keep the lock until they are done;
 * readers (state, list, ps, kill) use STATE_LOCK_SHARED_TRY, which never
 * blocks: a container whose lock is busy and whose file says `creating` is
 * still being created. */
#ifndef CASING_STATE_STORE_H
#define CASING_STATE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "ocispec.h"

#define CONTAINER_ID_MAX 1024

enum container_status
{
  CONTAINER_CREATING = 0,
  CONTAINER_CREATED,
  CONTAINER_RUNNING,
  CONTAINER_STOPPED,
  CONTAINER_PAUSED,
};

enum state_lock_mode
{
  STATE_LOCK_EXCLUSIVE,  /* wait for the lock */
  STATE_LOCK_SHARED_TRY, /* take a shared lock if free, never wait */
};

struct container_handle
{
  char *id;
  char *dir;        /* absolute path of ROOT/ID */
  int dirfd;        /* O_PATH|O_DIRECTORY of dir */
  int lock_fd;      /* the lock file, flock'ed */
  bool lock_busy;   /* SHARED_TRY: someone else holds the exclusive lock */
  casing_state *state;
};

/* No `/`, no `.`/`..`, printable, at most CONTAINER_ID_MAX bytes. */
int container_id_validate (const char *id, casing_error_t *err);

/* Make ROOT/ID exclusively (EEXIST: "container `ID` already exists"), lock
 * it, and fill a fresh state (status `creating`) that is not saved yet. */
int state_store_create (const char *root, const char *id, struct container_handle **out,
                        casing_error_t *err);
/* Open an existing container and load its state.  A missing one fails with
 * ENOENT and "container `ID` does not exist". */
int state_store_open (const char *root, const char *id, enum state_lock_mode mode,
                      struct container_handle **out, casing_error_t *err);
int state_store_save (struct container_handle *h, casing_error_t *err);
/* Replace ROOT/ID/name atomically (0600), relative to the held directory fd. */
int state_store_write (struct container_handle *h, const char *name, const char *data, size_t len,
                       casing_error_t *err);
/* Remove the whole state directory (the lock is released by freeing h). */
int state_store_remove (struct container_handle *h, casing_error_t *err);
void container_handle_free (struct container_handle *h);
static inline void cleanup_container_handlep (struct container_handle **h)
{
  container_handle_free (*h);
}
#define cleanup_container_handle __attribute__ ((cleanup (cleanup_container_handlep)))

/* Ids of every container under root (sorted); *ids is NULL-terminated. */
int state_store_list (const char *root, char ***ids, casing_error_t *err);
void state_store_free_ids (char **ids);

/* Path of a file inside the state directory (malloc'd). */
char *state_store_path (const struct container_handle *h, const char *name);

/* The status from the kernel: the recorded pid must be alive, not a zombie,
 * and have the recorded start time; `created` while start.sock exists;
 * `paused` when the cgroup is frozen. */
int container_status_get (struct container_handle *h, enum container_status *out,
                          casing_error_t *err);
const char *container_status_name (enum container_status s);

/* Is `pid` alive (not a zombie) with this start time? */
bool container_pid_matches (pid_t pid, uint64_t start_time);

/* A pidfd for the container init, verified against the recorded start time
 * (so a recycled pid is never signalled); -1 with ESRCH when it is gone. */
int container_pidfd_open (const struct container_handle *h, casing_error_t *err);

/* The OCI state JSON (with rootfs, created, owner) for `status`; pid is
 * included unless the container is stopped. */
char *container_state_json (const struct container_handle *h, enum container_status status,
                            bool pretty, casing_error_t *err);

#endif
