# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line: global options, --version, --help, spec, features,
check, logging (text and json), unknown commands and options."""
import json
import os
import subprocess

import pytest

from casing_fixtures import CASING, Bundle, built_with

SPEC_DIR = os.environ.get("SPEC_DIR", os.path.join(os.path.dirname(CASING), "..", "..",
                                                   "shared", "runtime-spec"))


def run(*args, **kw):
    return subprocess.run([CASING, *args], capture_output=True, text=True, **kw)


def schema_validator(name):
    """A jsonschema validator for one of the spec's schemas, or None."""
    jsonschema = pytest.importorskip("jsonschema")
    path = os.path.join(SPEC_DIR, "schema", name)
    if not os.path.exists(path):
        return None
    base = "file://" + os.path.abspath(os.path.join(SPEC_DIR, "schema")) + "/"
    with open(path) as f:
        schema = json.load(f)
    resolver = jsonschema.RefResolver(base, schema)
    return jsonschema.Draft4Validator(schema, resolver=resolver)


def test_version():
    r = run("--version")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].startswith("casing version ")
    assert any(l.startswith("commit: ") for l in lines)
    assert "spec: 1.3.0" in lines
    feats = [l for l in lines if l.startswith("features:")][0]
    for f in ("YAJL", "CAP", "SECCOMP", "SELINUX", "APPARMOR", "SYSTEMD"):
        assert ("+" + f) in feats or ("-" + f) in feats


def test_help_lists_commands_and_global_options():
    r = run("--help")
    assert r.returncode == 0
    for word in ("--root", "--log", "--log-format", "--systemd-cgroup", "--rootless", "spec",
                 "features", "check"):
        assert word in r.stdout


@pytest.mark.parametrize("cmd", ["spec", "features", "check"])
def test_command_help(cmd):
    r = run(cmd, "--help")
    assert r.returncode == 0
    assert r.stdout.startswith("Usage: casing " + cmd)


def test_unknown_command_and_option():
    r = run("frobnicate")
    assert r.returncode != 0
    assert "unknown command `frobnicate`" in r.stderr
    assert "casing --help" in r.stderr
    r = run("spec", "--frob")
    assert r.returncode != 0
    assert "unknown option `--frob`" in r.stderr and "casing spec --help" in r.stderr
    r = run("--log-format", "xml", "features")
    assert r.returncode != 0 and "--log-format" in r.stderr


def test_json_log_records_the_error(tmp_path):
    log = tmp_path / "log.json"
    r = run("--log", str(log), "--log-format=json", "frobnicate")
    assert r.returncode != 0
    # the user still sees the error on stderr, the engine reads the file
    assert "unknown command" in r.stderr
    records = [json.loads(l) for l in log.read_text().splitlines()]
    assert records[-1]["level"] == "error"
    assert "unknown command `frobnicate`" in records[-1]["msg"]
    assert records[-1]["time"].endswith("Z")


def test_text_log_file(tmp_path):
    log = tmp_path / "log.txt"
    r = run("--log", str(log), "frobnicate")
    assert r.returncode != 0
    assert "error: unknown command" in log.read_text()


def test_spec_writes_a_valid_config(tmp_path):
    r = run("spec", "--bundle", str(tmp_path))
    assert r.returncode == 0, r.stderr
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["ociVersion"] == "1.3.0"
    assert config["process"]["args"] == ["sh"]
    assert config["process"]["terminal"] is True
    assert config["root"] == {"path": "rootfs", "readonly": True}
    types = [n["type"] for n in config["linux"]["namespaces"]]
    assert sorted(types) == ["cgroup", "ipc", "mount", "network", "pid", "uts"]
    v = schema_validator("config-schema.json")
    if v:
        v.validate(config)
    # runc refuses to overwrite, and so do we
    r = run("spec", "--bundle", str(tmp_path))
    assert r.returncode != 0 and "File exists" in r.stderr


def test_spec_rootless(tmp_path):
    r = run("spec", "--rootless", "--bundle=" + str(tmp_path))
    assert r.returncode == 0, r.stderr
    config = json.loads((tmp_path / "config.json").read_text())
    types = [n["type"] for n in config["linux"]["namespaces"]]
    assert "user" in types and "network" not in types
    assert config["linux"]["uidMappings"] == [{"containerID": 0, "hostID": os.geteuid(), "size": 1}]
    assert "resources" not in config["linux"]
    sys_mount = [m for m in config["mounts"] if m["destination"] == "/sys"][0]
    assert "rbind" in sys_mount["options"]
    for m in config["mounts"]:
        assert not any(o.startswith("gid=") for o in m.get("options", []))


def test_features_matches_schema_and_build():
    r = run("features")
    assert r.returncode == 0, r.stderr
    f = json.loads(r.stdout)
    v = schema_validator("features-schema.json")
    if v:
        v.validate(f)
    assert f["ociVersionMin"] == "1.0.0" and f["ociVersionMax"] == "1.3.0"
    assert f["hooks"] == ["prestart", "createRuntime", "createContainer", "startContainer",
                          "poststart", "poststop"]
    assert sorted(f["linux"]["namespaces"]) == sorted(
        ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"])
    version = run("--version").stdout
    seccomp_built = "+SECCOMP" in version
    assert f["linux"]["seccomp"]["enabled"] is seccomp_built
    assert f["linux"]["apparmor"]["enabled"] is ("+APPARMOR" in version)
    assert f["linux"]["selinux"]["enabled"] is ("+SELINUX" in version)
    assert f["linux"]["cgroup"]["systemd"] is ("+SYSTEMD" in version)
    # features-linux.md: every memory policy mode and flag is implemented.
    assert sorted(f["linux"]["memoryPolicy"]["modes"]) == sorted(
        ["MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
         "MPOL_PREFERRED_MANY", "MPOL_LOCAL"])
    assert sorted(f["linux"]["memoryPolicy"]["flags"]) == sorted(
        ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"])
    if "+CAP" in version:
        assert "CAP_SYS_ADMIN" in f["linux"]["capabilities"]
    for opt in ("ro", "rbind", "rro", "idmap", "tmpcopyup", "nosymfollow"):
        assert opt in f["mountOptions"]


def check_bundle(path, fmt="json"):
    r = run("check", "--bundle", str(path), "--format", fmt)
    return r, (json.loads(r.stdout) if fmt == "json" else None)


def test_check_accepts_a_good_bundle(bundle):
    bundle.save()
    r, report = check_bundle(bundle.path)
    assert r.returncode == 0, r.stdout
    assert report["valid"] is True
    assert [p for p in report["problems"] if p["severity"] == "error"] == []
    r, _ = check_bundle(bundle.path, "text")
    assert r.returncode == 0 and r.stdout.strip().endswith("valid: 0 errors, 0 warnings")


@pytest.mark.parametrize("path, ok", [
    (None, True), ("system.slice:casing:web", True), (":casing:web", True), ("machine.slice::web", True),
    ("/sys/fs/cgroup/web", False), ("a:b", False), ("a:b:c:d", False), ("system.slice:casing:pod.slice", False)])
def test_check_systemd_cgroups_path(bundle, path, ok):
    if path is not None:
        bundle.config["linux"]["cgroupsPath"] = path
    bundle.save()
    r = run("--systemd-cgroup", "check", "--bundle", bundle.path, "--format", "json")
    errors = [p for p in json.loads(r.stdout)["problems"] if p["severity"] == "error"]
    # What create would refuse on this host, check refuses too.
    driver_here = os.path.isdir("/run/systemd/system") and built_with("SYSTEMD")
    if ok and not driver_here:
        assert r.returncode == 1 and [p["path"] for p in errors] == ["linux.cgroupsPath"], r.stdout
        assert "--systemd-cgroup" in errors[0]["message"], r.stdout
    elif ok:
        assert r.returncode == 0 and errors == [], r.stdout
    else:
        assert r.returncode == 1
        assert [p["path"] for p in errors] == ["linux.cgroupsPath"], r.stdout
    # without --systemd-cgroup a path is a plain cgroupfs path
    if path and path.startswith("/"):
        assert run("check", "--bundle", bundle.path).returncode == 0


def test_check_reports_every_problem(bundle, tmp_path):
    c = bundle.config
    c["root"]["path"] = "no-such-rootfs"
    c["process"]["capabilities"]["bounding"].append("CAP_FROBNICATE")
    c["process"]["rlimits"].append({"type": "RLIMIT_FOO", "soft": 1, "hard": 1})
    c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]
    c["linux"]["namespaces"].append({"type": "network", "path": "/proc/self/ns/ipc"})
    c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"]
                                if not (n["type"] == "network" and "path" not in n)]
    c["linux"]["namespaces"].append({"type": "user"})
    c["linux"]["intelRdt"] = {"closID": "x"}
    bundle.save()
    r, report = check_bundle(bundle.path)
    assert r.returncode == 1
    assert report["valid"] is False
    by_path = {p["path"]: p for p in report["problems"]}
    assert "root.path" in by_path and "no-such-rootfs" in by_path["root.path"]["message"]
    assert "hostname" in by_path and "uts namespace" in by_path["hostname"]["message"]
    # an unknown capability is a warning (config.md): skipped, never granted
    assert any("CAP_FROBNICATE" in p["message"] and p["severity"] == "warning" for p in report["problems"])
    assert any("RLIMIT_FOO" in p["message"] for p in report["problems"])
    ns_problem = [p for p in report["problems"] if p["path"].endswith(".path")
                  and p["path"].startswith("linux.namespaces")]
    assert ns_problem and "is not a network namespace" in ns_problem[0]["message"]
    assert "linux.uidMappings" in by_path
    assert "linux.intelRdt" in by_path
    assert all(p.get("hint") is None or isinstance(p["hint"], str) for p in report["problems"])
    assert len([p for p in report["problems"] if p["severity"] == "error"]) >= 6


def test_check_reports_parse_errors_with_path(bundle):
    bundle.config["process"]["user"]["uid"] = -1
    bundle.save()
    r, report = check_bundle(bundle.path)
    assert r.returncode == 1
    p = report["problems"][0]
    assert p["path"] == "process.user.uid"
    assert "non-negative" in p["message"]


def test_check_reports_every_parse_problem_and_runtime_problem(bundle):
    c = bundle.config
    c["root"]["path"] = "no-such-rootfs"
    c["process"]["user"]["uid"] = "root"
    c["process"]["terminal"] = "no"
    c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 1}]
    c["linux"]["rootfsPropagation"] = "sideways"
    c["linux"]["resources"] = {"memory": {"limit": "1G"}}
    c["mounts"].append({"type": "tmpfs", "source": "tmpfs"})
    bundle.save()
    r, report = check_bundle(bundle.path)
    assert r.returncode == 1 and report["valid"] is False
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    by_path = {p["path"]: p for p in errors}
    mount_path = "mounts[%d].destination" % (len(c["mounts"]) - 1)
    expected = {
        "process.user.uid": "expected a non-negative integer",
        "process.terminal": "expected a boolean",
        "process.rlimits[0].hard": "required property missing",
        mount_path: "required property missing",
        "linux.rootfsPropagation": 'unknown value "sideways"',
        "linux.resources.memory.limit": "expected an integer",
    }
    for path, message in expected.items():
        assert path in by_path, (path, report)
        assert by_path[path]["message"].startswith(message)
        assert by_path[path]["hint"]
    assert "expected one of private, shared, slave, unbindable" in by_path["linux.rootfsPropagation"]["message"]
    # the runtime checks ran on the rest of the config
    assert "root.path" in by_path and "no-such-rootfs" in by_path["root.path"]["message"]
    # nothing else: the skipped values are not reported again as missing
    assert sorted(by_path) == sorted(list(expected) + ["root.path"]), report
    assert len(errors) == len(by_path)
    r, _ = check_bundle(bundle.path, "text")
    assert r.returncode == 1
    assert "config.json: process.terminal: expected a boolean" in r.stdout
    assert r.stdout.strip().endswith("invalid: 7 errors, 0 warnings")


def test_check_without_a_usable_config_skips_runtime_checks(bundle):
    del bundle.config["ociVersion"]
    bundle.config["hostname"] = 7
    bundle.save()
    r, report = check_bundle(bundle.path)
    assert r.returncode == 1
    errors = [(p["path"], p["message"]) for p in report["problems"] if p["severity"] == "error"]
    assert errors == [("hostname", "expected a string"), ("ociVersion", "required property missing")]
    warnings = [p for p in report["problems"] if p["severity"] == "warning"]
    assert len(warnings) == 1 and "runtime checks did not run" in warnings[0]["message"]


def test_check_invalid_json_is_one_problem(bundle):
    with open(bundle.config_path, "w") as f:
        f.write('{"ociVersion": "1.3.0",')
    r, report = check_bundle(bundle.path)
    assert r.returncode == 1
    assert len(report["problems"]) == 1
    assert report["problems"][0]["path"] == ""
    assert "invalid JSON" in report["problems"][0]["message"]


def test_check_warns_for_unknown_syscall_but_accepts(bundle):
    bundle.config["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["no_such_syscall_at_all"], "action": "SCMP_ACT_ERRNO"}]}
    bundle.save()
    r, report = check_bundle(bundle.path)
    if "+SECCOMP" not in run("--version").stdout:
        assert r.returncode == 1
        return
    assert r.returncode == 0
    assert report["problems"][0]["severity"] == "warning"
    assert "no_such_syscall_at_all" in report["problems"][0]["message"]


def test_check_missing_bundle(tmp_path):
    r = run("check", "--bundle", str(tmp_path / "nope"))
    assert r.returncode != 0
    assert "No such file or directory" in r.stderr


def test_check_sysctl_outside_the_namespaces(bundle):
    bundle.config["linux"]["sysctl"] = {"kernel.panic": "1", "net.ipv4.ip_forward": "1"}
    bundle.save()
    r, report = check_bundle(bundle.path)
    assert r.returncode == 1
    paths = [p["path"] for p in report["problems"]]
    assert 'linux.sysctl["kernel.panic"]' in paths
    assert not any("ip_forward" in p for p in paths)  # a netns covers net.*
