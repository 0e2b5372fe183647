# SPDX-License-Identifier: GPL-2.0-or-later
from casing_pytest import *  # noqa: F401,F403  (fixtures and hooks shared with tests/security)
