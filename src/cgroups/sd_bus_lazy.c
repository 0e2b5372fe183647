/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifdef HAVE_LIBSYSTEMD
#include "core/lazylib.h"
#include "sd_bus_lazy.h"

struct sd_bus_api sd_bus_api;

/* In the order of the members of struct sd_bus_api. */
static const char *const names[] = {
  "sd_bus_default_system", "sd_bus_default_user", "sd_bus_flush_close_unref", "sd_bus_call",
  "sd_bus_call_method", "sd_bus_error_free", "sd_bus_error_has_name", "sd_bus_match_signal",
  "sd_bus_message_append", "sd_bus_message_append_array", "sd_bus_message_open_container",
  "sd_bus_message_close_container", "sd_bus_message_new_method_call", "sd_bus_message_read",
  "sd_bus_message_unref", "sd_bus_process", "sd_bus_slot_unref", "sd_bus_wait", NULL,
};

_Static_assert (sizeof names / sizeof names[0] - 1 == sizeof (struct sd_bus_api) / sizeof (void *),
                "one name per member of struct sd_bus_api");

static struct lazylib libsystemd = {
  .soname = "libsystemd.so.0",
  .feature = "the systemd cgroup driver",
  .symbols = names,
  .slots = (void **) &sd_bus_api,
};

int
sd_bus_lazy_load (casing_error_t *err)
{
  return lazylib_load (&libsystemd, err);
}
#endif
