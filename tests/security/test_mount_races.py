# SPDX-License-Identifier: GPL-2.0-or-later
"""Symlink-exchange attacks on mount destinations (runc CVE-2021-30465).

Two containers share a volume (a host directory bound into both).  The
attacker container exchanges, in a tight loop, a directory of that volume
with a symlink to a host path, while the victim is created again and again
with mounts whose destination goes through the volume.  A runtime that
resolves a destination and then mounts by path can be made to mount on the
host path (in the victim's mount namespace, before pivot_root); a later
mount whose *source* goes through that host path then takes an
attacker-controlled source: a host directory ends up in the victim.

Both path resolvers are attacked: openat2(RESOLVE_IN_ROOT) and the
component-by-component walk used without it."""
import os
import subprocess
import time

import pytest

from mnt_helpers import (PROFILES, USERNS_HOST_ID, HostFile, apply_profile, attacker_container, bind,
                         gained_mounts, host_mounts, install, new_bundle, run_victim, tree_snapshot)

RESOLVERS = ["openat2", "walk"]
ROUNDS = 25
COPYUP_ROUNDS = 80


def resolver_env(resolver):
    if resolver == "walk":
        return dict(os.environ, CASING_TEST_NO_OPENAT2="1")
    return None


@pytest.fixture
def volumes(tmpdir_path):
    """The host side: the shared volume, the attacker's own volume, the
    host path the symlink points at (with a benign `inner` dir some config
    mounts from), and a host secret that must never be seen."""
    os.chmod(tmpdir_path, 0o755)
    v = {name: os.path.join(tmpdir_path, name) for name in ("shared", "attvol", "hostpath", "secret")}
    for p in v.values():
        os.makedirs(p)
        os.chmod(p, 0o777)
    os.makedirs(os.path.join(v["shared"], "x"))
    os.chmod(os.path.join(v["shared"], "x"), 0o777)
    os.makedirs(os.path.join(v["hostpath"], "inner"))
    with open(os.path.join(v["hostpath"], "inner", "marker"), "w") as f:
        f.write("benign\n")
    with open(os.path.join(v["secret"], "marker"), "w") as f:
        f.write("HOST-SECRET\n")
    return v


def start_swapper(casing, tmpdir_path, volumes, link_target):
    """The attacker: makes /shared/x.lnk -> link_target, its own volume's
    `inner` -> the host secret (the second stage), then swaps x and x.lnk."""
    att = new_bundle(tmpdir_path, "attacker")
    install(att, "mnt_swap")
    script = ("ln -s %s /shared/x.lnk && ln -s %s /attvol/inner && "
              "exec /bin/mnt_swap /shared x x.lnk STOP 60" % (link_target, volumes["secret"]))
    return attacker_container(casing, att, volumes["shared"], ["/bin/sh", "-c", script], "STOP",
                              extra_mounts=[bind("/attvol", volumes["attvol"])])


@pytest.mark.parametrize("resolver", RESOLVERS)
@pytest.mark.parametrize("profile", PROFILES)
def test_bind_destination_exchange_never_reaches_host(casing, tmpdir_path, volumes, profile, resolver):
    """Stage one: the attacker's volume bound at /shared/x (x swapped with a
    symlink to a host path).  Stage two: a host directory below that host
    path, bound at /data.  /data must always show the benign host
    directory, never the secret the attacker's volume links to."""
    vb = new_bundle(tmpdir_path, "victim")
    vb.config["mounts"].append(bind("/shared", volumes["shared"]))
    vb.config["mounts"] += [bind("/shared/x", volumes["attvol"]) for _ in range(8)]
    vb.config["mounts"].append(bind("/data", os.path.join(volumes["hostpath"], "inner")))
    apply_profile(vb, profile)
    before = host_mounts()
    host_before = {k: tree_snapshot(volumes[k]) for k in ("hostpath", "secret")}
    seen = {}
    redirected = 0
    # Inside the victim, <hostpath> exists only when the runtime followed
    # the swapped symlink: then the attacker's volume is there (its
    # `inner` link shows), inside the victim's root where it belongs.
    witness = "cat /data/marker; [ -L %s/inner ] && echo REDIRECTED; true" % volumes["hostpath"]
    with start_swapper(casing, tmpdir_path, volumes, volumes["hostpath"]):
        for _ in range(ROUNDS):
            r = run_victim(casing, vb, ["sh", "-c", witness], env=resolver_env(resolver))
            if r.returncode == 0 and "REDIRECTED" in r.stdout:
                redirected += 1
            key = r.stdout.split()[0] if r.returncode == 0 else "refused: " + r.stderr.strip()[:120]
            seen[key] = seen.get(key, 0) + 1
    print("bind exchange (%s, %s): %r, %d runs redirected inside the root" % (profile, resolver, seen,
                                                                              redirected))
    assert not any("HOST-SECRET" in k for k in seen), seen
    assert seen.get("benign", 0) > 0, seen  # the victim did run
    assert {k: tree_snapshot(volumes[k]) for k in ("hostpath", "secret")} == host_before
    assert gained_mounts(before, [tmpdir_path]) == []


@pytest.mark.parametrize("resolver", RESOLVERS)
@pytest.mark.parametrize("profile", PROFILES)
def test_tmpfs_destination_exchange_stays_in_root(casing, tmpdir_path, volumes, profile, resolver):
    """Tmpfs mounts at /shared/x/tN while x is swapped with a symlink to a
    host directory: every tmpfs must be in the victim's own mount table
    (inside its root), and the host directory must gain no tN directory
    (nothing created or mounted there)."""
    tmpfs = ["/shared/x/t%d" % i for i in range(6)]
    vb = new_bundle(tmpdir_path, "victim")
    vb.config["mounts"].append(bind("/shared", volumes["shared"]))
    vb.config["mounts"] += [{"destination": d, "type": "tmpfs", "source": "tmpfs",
                             "options": ["size=64k"]} for d in tmpfs]
    apply_profile(vb, profile)
    before = host_mounts()
    host_before = tree_snapshot(volumes["hostpath"])
    counts = {}
    redirected = 0
    with start_swapper(casing, tmpdir_path, volumes, volumes["hostpath"]):
        for _ in range(ROUNDS):
            r = run_victim(casing, vb, ["cat", "/proc/self/mountinfo"], env=resolver_env(resolver))
            if r.returncode != 0:
                counts["refused"] = counts.get("refused", 0) + 1
                continue
            points = [line.split()[4] for line in r.stdout.splitlines() if " - tmpfs " in line]
            mine = [p for p in points if os.path.basename(p) in [os.path.basename(t) for t in tmpfs]]
            redirected += any(p.startswith(volumes["hostpath"]) for p in mine)
            counts[len(mine)] = counts.get(len(mine), 0) + 1
    print("tmpfs exchange (%s, %s): %r, %d runs redirected inside the root" % (profile, resolver, counts,
                                                                               redirected))
    # Each tmpfs is either at /shared/x/tN or at <hostpath>/tN *inside* the
    # victim's root: all six are always in its mount table.
    assert set(counts) - {"refused"} == {len(tmpfs)}, counts
    assert tree_snapshot(volumes["hostpath"]) == host_before
    assert gained_mounts(before, [tmpdir_path]) == []


@pytest.mark.parametrize("resolver", RESOLVERS)
def test_file_destination_exchange_never_binds_host_file(casing, tmpdir_path, volumes, resolver):
    """Four file binds at /shared/x/f while x is swapped with a symlink to a
    host directory holding a file `f`.  A bind that followed the symlink
    covers that host file in the victim's mount namespace only (it goes
    with the old root at pivot_root: the host file itself never changes),
    so it shows as a bind missing from the victim's mount table.  Each
    created victim, seen from the host, must hold all four binds of the
    source, inside its root."""
    from isolation_helpers import created
    src = os.path.join(tmpdir_path, "bindsrc")
    with open(src, "w") as f:
        f.write("from-the-config\n")
    host_target_dir = os.path.join(volumes["hostpath"], "filedest")
    os.makedirs(host_target_dir)
    host_file = os.path.join(host_target_dir, "f")
    with open(host_file, "w") as f:
        f.write("host-file\n")
    vb = new_bundle(tmpdir_path, "victim")
    vb.config["mounts"].append(bind("/shared", volumes["shared"]))
    vb.config["mounts"] += [bind("/shared/x/f", src) for _ in range(4)]
    before = host_mounts()
    counts = {}
    with start_swapper(casing, tmpdir_path, volumes, host_target_dir):
        for _ in range(15):
            try:
                with created(casing, vb, env=resolver_env(resolver)) as pid:
                    with open("/proc/%d/mountinfo" % pid) as f:
                        text = f.read()
            except AssertionError as e:  # refused to create: fine, counted
                counts["refused"] = counts.get("refused", 0) + 1
                print("refused:", str(e)[:200])
                continue
            binds = [line.split()[4] for line in text.splitlines() if line.split()[3].endswith("/bindsrc")]
            counts[len(binds)] = counts.get(len(binds), 0) + 1
    print("file exchange (%s): binds of the source per victim: %r" % (resolver, counts))
    with open(host_file) as f:
        assert f.read() == "host-file\n"
    assert set(counts) - {"refused"} <= {4}, counts
    assert counts.get(4, 0) > 0, counts  # victims were created
    assert gained_mounts(before, [tmpdir_path]) == []


def test_victim_mount_table_after_race(casing, tmpdir_path, volumes):
    """x is swapped with a symlink to `/` while created (not started)
    victims get the attacker's volume bound at /shared/x eight times.  Seen
    from the host, each victim's mount table must hold all eight binds
    (inside its root: /shared/x, or its root itself); one mounted on the
    host's `/` before pivot_root would be missing."""
    from isolation_helpers import created
    vb = new_bundle(tmpdir_path, "victim")
    vb.config["mounts"].append(bind("/shared", volumes["shared"]))
    vb.config["mounts"] += [bind("/shared/x", volumes["attvol"]) for _ in range(8)]
    before = host_mounts()
    results = {}
    with start_swapper(casing, tmpdir_path, volumes, "/"):
        for _ in range(15):
            try:
                with created(casing, vb) as pid:
                    with open("/proc/%d/mountinfo" % pid) as f:
                        text = f.read()
            except AssertionError as e:  # refused to create: fine, counted
                results["refused"] = results.get("refused", 0) + 1
                print("refused:", str(e)[:200])
                continue
            binds = [line.split()[4] for line in text.splitlines()
                     if line.split()[3].endswith("/attvol")]
            results[len(binds)] = results.get(len(binds), 0) + 1
            assert len(binds) == 8, text
    print("mount table after race: %r" % results)
    assert gained_mounts(before, [tmpdir_path]) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_tmpcopyup_destination_exchange_never_chmods_host(casing, tmpdir_path, volumes, profile):
    """A tmpfs with tmpcopyup at /shared/x/t.  The attacker exchanges x
    with y (two real directories) so that a runtime looking the destination
    up again after the mount copies into y/t, a plain directory of the
    volume; there it replaces the big file being copied with a symlink to a
    host file, so that setting the copy's mode by name chmods the host file
    to 04777.  The host file's mode must never change, and the copy must
    only ever go to the new tmpfs: the volume's y/t stays empty.

    userns: the attacker runs with the victim's mapping, and the volume
    and the host file belong to the mapped root (host uid 100000), so that
    the runtime's user (the victim's root) could chmod the host file, and
    only the runtime's own checks stand in the way."""
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), mode=0o600)
    att = new_bundle(tmpdir_path, "attacker")
    install(att, "mnt_copyup_race")
    if profile == "userns":
        apply_profile(att, "userns")
        victim.chown(USERNS_HOST_ID, USERNS_HOST_ID)
        subprocess.run(["chown", "-R", "%d:%d" % (USERNS_HOST_ID, USERNS_HOST_ID), volumes["shared"]],
                       check=True)
    vb = new_bundle(tmpdir_path, "victim")
    vb.config["mounts"].append(bind("/shared", volumes["shared"]))
    vb.config["mounts"].append({"destination": "/shared/x/t", "type": "tmpfs", "source": "tmpfs",
                                "options": ["tmpcopyup", "size=64m"]})
    apply_profile(vb, profile)
    before = host_mounts()
    outcomes = {}
    os.rmdir(os.path.join(volumes["shared"], "x"))  # the attacker makes its own x and y
    with attacker_container(casing, att, volumes["shared"],
                            ["/bin/mnt_copyup_race", "/shared", victim.path, "STOP", "60"], "STOP"):
        # Wait for the attacker's 16 MiB file, then race.
        for _ in range(200):
            if any(os.path.exists(os.path.join(volumes["shared"], n, "t", "big")) for n in ("x", "y")) \
                    and os.path.exists(os.path.join(volumes["shared"], "y")):
                break
            time.sleep(0.05)
        # Without the fix, the copy landed in the attacker's directory
        # within 2-25 creates (the host file chmod'ed in most of those).
        for _ in range(COPYUP_ROUNDS):
            r = run_victim(casing, vb, ["true"])
            key = "ok" if r.returncode == 0 else r.stderr.strip()[:100]
            outcomes[key] = outcomes.get(key, 0) + 1
            if victim.changes():
                break
    with open(os.path.join(volumes["shared"], "RESULT")) as f:
        result = f.read().strip()
    print("tmpcopyup exchange (%s): %r; attacker: %s" % (profile, outcomes, result))
    assert victim.changes() == {}, "the host file was chmod'ed through the copy-up"
    # The copy never went to the attacker's plain directory.
    assert result.startswith("landed=0 "), result
    assert gained_mounts(before, [tmpdir_path]) == []
