#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-v2-tests.sh [PYTEST ARGS...]: run the cgroup v2 and AppArmor
# integration tests (pytest -m "cgroup2 or apparmor") inside a throw-away
# guest with a pure cgroup2 hierarchy, and print pytest's summary.  Kept for
# habit: it is run-vm-tests.sh with only its first guest (shell-v2); that
# script also boots the systemd guests (VM_INIT=systemd, v2 and hybrid).
# Environment: VM_CACHE, VM_TIMEOUT... as in vm-run.sh; PYTEST_ARGS.
exec env VM_GUESTS=shell-v2 "$(dirname "$0")/run-vm-tests.sh" "$@"
