# SPDX-License-Identifier: GPL-2.0-or-later
"""start.sock: the init of a `created` container waits there for `start`.
Another user of the host must not be able to start the container, nor feed
the startContainer hooks a state JSON of their own, whatever the umask of
whoever ran `create`."""
import json
import os
import socket
import stat
import struct

import pytest

from casing_fixtures import unique_id, write_script

SYNC_START = 9   # src/container/sync.h: enum sync_type
SYNC_EXEC = 10
NOBODY = 65534
FAKE_STATE = {"ociVersion": "1.0.2", "id": "attacker-made", "status": "created", "pid": 1,
              "bundle": "/attacker"}


def attack_as(uid, path):
    """From a child running as `uid`: connect to start.sock and send a
    SYNC_START with made-up state JSON.  Returns what happened, as seen by
    the attacker: "denied" (connect refused), "ignored" (closed without
    answer) or "started" (the init answered SYNC_EXEC)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        outcome = "error"
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.settimeout(10)
            try:
                s.connect(path)
            except PermissionError:
                outcome = "denied"
            else:
                payload = json.dumps(FAKE_STATE).encode()
                try:
                    # the init may have dropped us already: EPIPE
                    s.send(struct.pack("=Ii", SYNC_START, 0) + payload)
                    reply = s.recv(65536)
                except (BrokenPipeError, ConnectionResetError):
                    reply = b""
                if reply[:4] and struct.unpack("=I", reply[:4])[0] == SYNC_EXEC:
                    outcome = "started"
                elif reply == b"":
                    outcome = "ignored"
                else:
                    outcome = "reply %r" % reply[:64]
        except Exception as e:  # reported to the parent, never raised in the child
            outcome = "error %r" % e
        os.write(w, outcome.encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        outcome = f.read().decode()
    os.waitpid(pid, 0)
    return outcome


@pytest.fixture
def hooked(bundle, tmpdir_path):
    """A bundle whose startContainer hook records its state JSON in the
    rootfs (so on the host), and a path the state root lives under that
    other users can traverse, like /run."""
    os.chmod(tmpdir_path, 0o755)
    write_script(os.path.join(bundle.rootfs, "start-hook"), "cat > /start-hook-ran")
    bundle.config["hooks"] = {"startContainer": [{"path": "/start-hook"}]}
    bundle.set_args("sleep", "1000").save()
    return os.path.join(bundle.rootfs, "start-hook-ran")


def create_with_umask(casing, bundle, umask):
    cid = unique_id("ss")
    old = os.umask(umask)
    try:
        casing.ok("create", "--bundle", bundle.path, cid)
    finally:
        os.umask(old)
    return cid


def legit_start_still_works(casing, cid, marker):
    casing.ok("start", cid)
    assert casing.state(cid)["status"] == "running"
    with open(marker) as f:
        assert json.load(f)["id"] == cid


def test_start_socket_closed_to_others_under_umask_0(casing, bundle, hooked):
    cid = create_with_umask(casing, bundle, 0)
    cdir = os.path.join(casing.root, cid)
    sock = os.path.join(cdir, "start.sock")
    modes = [oct(stat.S_IMODE(os.stat(p).st_mode)) for p in (casing.root, cdir, sock)]
    outcome = attack_as(NOBODY, sock)
    assert outcome == "denied", (outcome, modes)
    assert casing.state(cid)["status"] == "created"
    assert not os.path.exists(hooked)
    assert stat.S_IMODE(os.stat(casing.root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cdir).st_mode) == 0o700
    st = os.stat(sock)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077 == 0, oct(st.st_mode)
    legit_start_still_works(casing, cid, hooked)


@pytest.mark.parametrize("userns", [False, True], ids=["host-ids", "userns"])
def test_start_from_another_uid_is_ignored(casing, bundle, hooked, userns):
    """The socket made reachable anyway (a state root shared on purpose, or
    made by an older casing): the init itself refuses a peer that is
    neither the creator nor root.  In a user namespace the init sees ids
    through its mapping: one that maps both users tells them apart."""
    if userns:
        bundle.config["linux"]["namespaces"].append({"type": "user"})
        for key in ("uidMappings", "gidMappings"):
            bundle.config["linux"][key] = [{"containerID": 0, "hostID": 0, "size": 65536}]
        bundle.save()
    cid = create_with_umask(casing, bundle, 0o022)
    cdir = os.path.join(casing.root, cid)
    sock = os.path.join(cdir, "start.sock")
    os.chmod(casing.root, 0o711)
    os.chmod(cdir, 0o711)
    os.chmod(sock, 0o777)
    outcome = attack_as(NOBODY, sock)
    assert outcome == "ignored", outcome
    assert casing.state(cid)["status"] == "created"
    assert not os.path.exists(hooked), open(hooked).read()
    legit_start_still_works(casing, cid, hooked)
