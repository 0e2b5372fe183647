# SPDX-License-Identifier: GPL-2.0-or-later
"""Run inside a private mount namespace (unshare -m): put a journal socket
and /dev/log on fresh tmpfs mounts, run the casing command given, and print
as JSON what each socket received."""
import json
import os
import socket
import subprocess
import sys

subprocess.run(["mount", "--make-rprivate", "/"], check=True)
subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/systemd"], check=True)
os.makedirs("/run/systemd/journal")
journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
journal.bind("/run/systemd/journal/socket")
syslog = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
# With journald, /dev/log is a link into /run/systemd/journal (now ours).
target = os.path.realpath("/dev/log") if os.path.islink("/dev/log") else None
if target and target.startswith("/run/systemd/"):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    syslog.bind(target)
else:
    os.makedirs("/run/systemd/devlog")
    syslog.bind("/run/systemd/devlog/log")
    if not os.path.exists("/dev/log"):
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/dev"], check=True)
        open("/dev/log", "w").close()
    subprocess.run(["mount", "--bind", "/run/systemd/devlog/log", "/dev/log"], check=True)
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
got = {"rc": r.returncode, "stderr": r.stderr, "journal": [], "syslog": []}
for name, s in (("journal", journal), ("syslog", syslog)):
    s.setblocking(False)
    while True:
        try:
            got[name].append(s.recv(65536).decode("latin-1"))
        except BlockingIOError:
            break
print(json.dumps(got))
