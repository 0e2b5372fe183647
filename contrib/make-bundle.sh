#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Make an OCI bundle with a busybox-static root filesystem:
#   contrib/make-bundle.sh DIR [CASING]
# DIR/rootfs gets busybox and its applets; DIR/config.json comes from
# `casing spec`, changed to run without a terminal.
set -eu
dir=${1:?usage: make-bundle.sh DIR [CASING]}
casing=$(realpath "${2:-$(dirname "$0")/../src/casing}")
busybox=$(command -v busybox || echo /bin/busybox)

mkdir -p "$dir/rootfs"
cd "$dir/rootfs"
mkdir -p bin sbin usr/bin usr/sbin etc proc sys dev tmp root var run
chmod 1777 tmp
cp "$busybox" bin/busybox
for applet in $(bin/busybox --list); do
    [ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> etc/passwd
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > etc/group
cd ..
rm -f config.json
"$casing" spec
# No terminal, so the demo runs anywhere (CI, pipes); a writable root.
sed -i 's/"terminal": true/"terminal": false/; s/"readonly": true/"readonly": false/' config.json
