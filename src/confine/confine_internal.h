/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Declarations shared between the files of src/confine/ only. */
#ifndef CASING_CONFINE_INTERNAL_H
#define CASING_CONFINE_INTERNAL_H

#include <stddef.h>

#include "core/error.h"

/* Parse a "0-3,7" list (spaces allowed) into a bit mask of `nbits` bits
 * (unsigned long words, allocated).  `field` names the config field. */
int id_list_parse (const char *field, const char *s, unsigned long **mask, size_t *nbits, casing_error_t *err);

#endif
