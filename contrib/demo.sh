#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build-tree demo: make a busybox bundle and run a container that prints
# its hostname and identity from inside.  Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
casing=$top/src/casing
work=$(mktemp -d /tmp/casing-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$top/contrib/make-bundle.sh" "$work/bundle" "$casing"
cd "$work/bundle"
# Replace `sh` by a small script that shows where it runs.
sed -i 's|^\( *\)"sh"$|\1"sh", "-c", "echo hostname: $(hostname); id; echo pid: $$; ls /"|' config.json
echo "== casing run demo (bundle $work/bundle)"
"$casing" --root "$work/state" run demo
