/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>
#include <errno.h>

#include "lazylib.h"

static int
fail (struct lazylib *lib, casing_error_t *err)
{
  const char *why = dlerror ();

  lib->state = -1;
  return casing_error_set (err, ENOENT, "%s needs %s: %s", lib->feature, lib->soname,
                           why ? why : "cannot load it");
}

int
lazylib_load (struct lazylib *lib, casing_error_t *err)
{
  void *h;

  if (lib->state == 1)
    return 0;
  if (lib->state < 0)
    return casing_error_set (err, ENOENT, "%s needs %s, which could not be loaded", lib->feature, lib->soname);
  h = dlopen (lib->soname, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return fail (lib, err);
  for (size_t i = 0; lib->symbols[i]; i++)
    {
      lib->slots[i] = dlsym (h, lib->symbols[i]);
      if (lib->slots[i] == NULL)
        return fail (lib, err);
    }
  lib->state = 1;
  return 0;
}
