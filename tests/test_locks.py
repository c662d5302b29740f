"""The dependency locks: every package pinned with hashes, matching pyproject.toml (issue 13)."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.test_deploy import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)")


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """Package -> (version, hashes) of a pip-compile lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            entries[current] = (match[2], [])
        elif current and (found := re.search(r"--hash=(sha256:[0-9a-f]{64})", line)):
            entries[current][1].append(found[1])
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"{name}: not a pin of the lock: {line!r}")
    return entries


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return (
        [Requirement(r) for r in project["optional-dependencies"][extra]]
        if extra
        else [Requirement(r) for r in project["dependencies"]]
    )


def test_every_locked_package_has_a_version_and_hashes():
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-pip.txt"):
        lock = locked(name)
        assert lock, name
        for package, (version, hashes) in lock.items():
            assert hashes, f"{name}: {package}=={version} has no --hash"


def test_the_locks_satisfy_what_pyproject_declares():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    for lock, requirements in ((runtime, declared()), (dev, declared() + declared("dev"))):
        for requirement in requirements:
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{requirement} is declared but not locked"
            assert requirement.specifier.contains(lock[name][0], prereleases=True), (
                f"{requirement} is declared, {name}=={lock[name][0]} locked"
            )


def test_the_dev_lock_keeps_the_runtime_pins_and_the_runtime_lock_has_no_test_tools():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    assert {name: pin[0] for name, pin in runtime.items()} == {
        name: dev[name][0] for name in runtime
    }
    for tool in ("pytest", "ruff", "schemathesis", "playwright", "beautifulsoup4", "pip-audit"):
        assert tool not in runtime
    assert locked("requirements-pip.txt")["pip"][0] == dev["pip"][0]
