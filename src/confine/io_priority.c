/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <linux/ioprio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"

/* By the spec's names (oci_ioprio_classes). */
static const int class_values[OCI_IOPRIO_CLASS_COUNT] = {
  [OCI_IOPRIO_CLASS_RT] = IOPRIO_CLASS_RT,
  [OCI_IOPRIO_CLASS_BE] = IOPRIO_CLASS_BE,
  [OCI_IOPRIO_CLASS_IDLE] = IOPRIO_CLASS_IDLE,
};

int
process_apply_io_priority (const oci_process *process, casing_error_t *err)
{
  const oci_io_priority *io = process ? process->io_priority : NULL;
  int class;

  if (io == NULL)
    return 0;
  class = oci_name_index (oci_ioprio_classes, io->class);
  if (class < 0)
    return casing_error_set (err, EINVAL, "process.ioPriority.class: \"%s\" is not a class", io->class);
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
               IOPRIO_PRIO_VALUE (class_values[class], io->has_priority ? io->priority : 0)) < 0)
    return casing_error_errno (err, "process.ioPriority: ioprio_set %s", io->class);
  return 0;
}
