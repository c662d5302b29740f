"""The README's set-up commands: make's targets and the .env file (issue 13, Set-up).

make runs here against a stand-in virtual environment whose python and pip only write down how
they were called, in a copy of the project's Makefile and requirements: what make runs, and
when it installs, is tested without installing anything.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_deploy import ROOT

# The make running the tests (`make test`) must not pass its flags to these.
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PIP_CONFIG_FILE"}
}
LOCKS = ("requirements.txt", "requirements-dev.txt", "requirements-pip.txt")
INSTALL = "pip install -q --require-hashes -r"
STAND_IN = '#!/bin/sh\necho "$(basename "$0") $*" >> "$CALLS"\n'


@pytest.fixture
def project(tmp_path) -> Path:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    for name in ("Makefile", *LOCKS):
        shutil.copy(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "pip"):
        (bin_dir / tool).write_text(STAND_IN)
        (bin_dir / tool).chmod(0o755)
    return tmp_path


def make(project: Path, *args: str) -> list[str]:
    """Run make; the calls the stand-in python and pip received, in order."""
    calls = project / "calls.log"
    calls.write_text("")
    result = subprocess.run(
        ["make", "-s", *args],
        cwd=project,
        env={**CLEAN_ENV, "CALLS": str(calls)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return calls.read_text().splitlines()


def test_make_installs_from_the_locks_only_when_they_change(project):
    # pip itself first (its own lock), then the runtime lock, each with its hashes required.
    assert make(project, "install") == [
        f"{INSTALL} requirements-pip.txt",
        f"{INSTALL} requirements.txt",
    ]
    assert make(project, "install") == []
    # requirements.txt changed after that install:
    earlier = time.time() - 10
    os.utime(project / ".venv" / ".installed", (earlier, earlier))
    assert make(project, "install") == [f"{INSTALL} requirements.txt"]
    assert make(project, "install-dev") == [f"{INSTALL} requirements-dev.txt"]
    assert make(project, "install-dev") == []
    assert make(project, "install") == []  # the dev lock includes the runtime pins


def test_make_installs_without_the_machines_pip_configuration(project):
    """A pip.conf naming package indexes that are not there made pip warn on every install."""
    (project / ".venv" / "bin" / "pip").write_text(
        '#!/bin/sh\necho "PIP_CONFIG_FILE=$PIP_CONFIG_FILE" >> "$CALLS"\n'
    )
    assert make(project, "install")[0] == "PIP_CONFIG_FILE=/dev/null"


def test_make_run_takes_host_and_port(project):
    calls = make(project, "run", "HOST=0.0.0.0", "PORT=9000")
    assert calls[2:4] == [
        "python manage.py migrate",
        "python manage.py import_articles seeds/ --publish",
    ]
    assert "python manage.py runserver 0.0.0.0:9000" in calls
    assert "python manage.py runserver 127.0.0.1:8000" in make(project, "run")


def test_make_run_starts_the_import_worker_beside_the_server(project):
    dry_run = subprocess.run(
        ["make", "-n", "run"],
        cwd=project,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert ".venv/bin/python manage.py import_worker &" in dry_run


def test_make_import_takes_path_and_keeps_the_shells_search_path(project):
    calls = make(project, "import", "PATH=seeds/", "ARGS=--publish")
    # `touch` (the install stamp) was still found: PATH= did not replace the search path.
    assert (project / ".venv" / ".installed").exists()
    assert calls[-2:] == [
        "python manage.py migrate",
        "python manage.py import_articles seeds/ --publish",
    ]


def test_make_import_without_a_path_says_what_to_give(project):
    result = subprocess.run(
        ["make", "-s", "import"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={**CLEAN_ENV, "CALLS": str(project / "calls.log")},
    )
    assert result.returncode != 0
    assert "make import PATH=file-or-folder" in result.stdout + result.stderr


def test_make_superuser_migrates_first(project):
    assert make(project, "superuser")[-2:] == [
        "python manage.py migrate",
        "python manage.py createsuperuser",
    ]
    assert make(project, "superuser", "ARGS=--noinput")[-1] == (
        "python manage.py createsuperuser --noinput"
    )


def test_make_writes_a_development_env_once(project):
    make(project, "superuser")
    assert "DEBUG=1" in (project / ".env").read_text().splitlines()
    (project / ".env").write_text("DEBUG=0\nSECRET_KEY=mine\n")
    make(project, "run")
    assert (project / ".env").read_text() == "DEBUG=0\nSECRET_KEY=mine\n"


def settings_in(env_file: Path, **environ: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {"PATH": os.environ["PATH"], "NEWSROOM_ENV_FILE": str(env_file), **environ}
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_settings_read_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\n")
    result = settings_in(env_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\n")
    result = settings_in(env_file, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_without_an_env_file_production_stays_strict(tmp_path):
    result = settings_in(tmp_path / "absent.env")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
