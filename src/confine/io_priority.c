/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/ioprio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"

int
io_priority_value (const oci_io_priority *io, int *out, casing_error_t *err)
{
  int class, prio = io->has_priority ? io->priority : 0;

  if (strcmp (io->class, "IOPRIO_CLASS_RT") == 0)
    class = IOPRIO_CLASS_RT;
  else if (strcmp (io->class, "IOPRIO_CLASS_BE") == 0)
    class = IOPRIO_CLASS_BE;
  else if (strcmp (io->class, "IOPRIO_CLASS_IDLE") == 0)
    class = IOPRIO_CLASS_IDLE;
  else
    return casing_error_set (err, 0, "process.ioPriority.class: unknown class \"%s\"", io->class);
  if (prio < 0 || prio > 7)
    return casing_error_set (err, 0, "process.ioPriority.priority: %d is outside [0, 7]", prio);
  *out = IOPRIO_PRIO_VALUE (class, prio);
  return 0;
}

int
process_apply_io_priority (const oci_process *process, casing_error_t *err)
{
  int value;

  if (process == NULL || process->io_priority == NULL)
    return 0;
  if (io_priority_value (process->io_priority, &value, err) < 0)
    return -1;
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return casing_error_errno (err, "process.ioPriority: ioprio_set %s", process->io_priority->class);
  return 0;
}
