"""Reading input files safely (issue #11): pipes, devices, links and sizes, through the command.

A named pipe must not block the import, ``/dev/zero`` must not be read until memory runs out,
a link in a folder must not bring in a file from outside it, and none of these is skipped
without a word: each is reported with its path and the reason, the other files import, and
the command exits with status 1.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError

from articles.extraction import ExtractionError
from articles.extraction.files import read_file
from articles.models import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_a14a31d47b36e4a7.txt"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")


def command(*args, timeout=60):
    """Run manage.py import_articles in a child process: (exit status, stdout, stderr)."""
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}
    done = subprocess.run(
        [sys.executable, "manage.py", "import_articles", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout, done.stderr


@needs_fifo
def test_an_explicit_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would wait for ever
    status, out, err = command("--dry-run", "--json", fifo, SEED, timeout=60)
    assert status == 1
    assert f"{fifo}: not a regular file (a named pipe), not read" in err
    assert '"error": "not a regular file (a named pipe), not read"' in out
    assert "2 files: 1 extracted; 1 failed." in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_unread():
    status, out, err = command("--dry-run", "--json", "/dev/zero", SEED, timeout=60)
    assert status == 1
    assert "/dev/zero: not a regular file (a character device), not read" in err
    assert "MemoryError" not in err


@needs_fifo
@pytest.mark.django_db
def test_special_files_in_a_folder_are_reported_not_skipped(run_import, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_bytes(SEED.read_bytes())
    out, err, error = run_import(tmp_path)
    assert isinstance(error, CommandError)
    assert "1 of 2 files failed" in str(error)
    assert f"{tmp_path / 'pipe.txt'}: not a regular file (a named pipe), not read" in err
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_link_out_of_the_folder_is_not_followed(run_import, tmp_path):
    folder = tmp_path / "scrapes"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret Headline\n\nThe secret text says so, officials said on Monday.\n")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    out, err, error = run_import(folder)
    assert isinstance(error, CommandError)
    assert f"{folder / 'passwd.txt'}: a link to a file outside the folder, not followed" in err
    assert Article.objects.count() == 1
    assert not Article.objects.filter(body__contains="secret text").exists()


@pytest.mark.django_db
def test_a_linked_folder_is_not_entered_and_links_inside_are_read(run_import, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.txt").write_bytes(SEED.read_bytes())
    folder = tmp_path / "scrapes"
    (folder / "sub").mkdir(parents=True)
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "sub" / "story.dat").write_bytes(SEED.read_bytes())
    (folder / "story.txt").symlink_to(folder / "sub" / "story.dat")
    out, err, error = run_import(folder)
    assert error is None, err
    assert "1 files: 1 articles created" in out
    assert Article.objects.get().source_file.endswith("story.txt")


@pytest.mark.skipif(not Path("/etc/passwd").exists(), reason="no /etc/passwd")
@pytest.mark.django_db
def test_a_link_to_etc_passwd_is_refused(run_import, tmp_path):
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    out, err, error = run_import(tmp_path)
    assert isinstance(error, CommandError)
    assert "passwd.txt: a link to a file outside the folder, not followed" in err
    assert Article.objects.count() == 0


def test_read_file_reads_no_more_than_the_limit_plus_one_byte(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 100)
    assert read_file(path, max_bytes=100) == b"x" * 100
    with pytest.raises(ExtractionError, match="100 bytes, over the 99-byte limit"):
        read_file(path, max_bytes=99)
    # A file that reports a small size but grows while it is read (as /proc files do).
    real_stat = os.stat
    monkeypatch.setattr(
        os, "stat", lambda p, *a, **k: os.stat_result((*real_stat(p)[:6], 0, *real_stat(p)[7:]))
    )
    with pytest.raises(ExtractionError, match="over the 99-byte limit"):
        read_file(path, max_bytes=99)
