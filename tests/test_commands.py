"""The import_articles command as an operator sees it: output, exit status, database."""

import json

import pytest
from django.core.management import CommandError

from articles.models import Article, Person, Quote

SEED_NAMES = [
    "000_a14a31d47b36e4a7.txt",
    "001_c0ab1a0fcf27bbe9.txt",
    "002_1e5727e7d0a2fbb7.txt",
    "003_7cf8419b6963604b.txt",
    "004_5a15858f5304fc93.txt",
]
JSON_KEYS = {
    "file",
    "headline",
    "body",
    "image_caption",
    "image_credit",
    "byline",
    "original_url",
    "published",
    "source",
    "people",
    "quotes",
    "related",
    "error",
}


@pytest.mark.django_db
def test_import_reports_a_summary_and_is_idempotent(run_import, seeds_dir):
    out, err, error = run_import(seeds_dir)
    assert error is None, err
    assert "5 files: 5 articles created, 0 updated, 0 unchanged" in out
    assert "25 quotes created" in out
    counts = (Article.objects.count(), Person.objects.count(), Quote.objects.count())

    out, err, error = run_import(seeds_dir)
    assert error is None
    assert "5 files: 0 articles created, 0 updated, 5 unchanged" in out
    assert "0 people and 0 quotes created" in out
    assert (Article.objects.count(), Person.objects.count(), Quote.objects.count()) == counts


@pytest.mark.django_db
def test_dry_run_writes_nothing(run_import, seeds_dir):
    out, err, error = run_import(seeds_dir, "--dry-run")
    assert error is None, err
    assert "Dry run, nothing written." in out
    assert "5 articles created" in out
    assert Article.objects.count() == 0
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_failed_files_are_named_counted_and_do_not_stop_the_others(run_import, seeds_dir, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_bytes((seeds_dir / SEED_NAMES[0]).read_bytes())
    out, err, error = run_import(tmp_path)
    assert isinstance(error, CommandError)
    assert "1 of 2 files failed" in str(error)
    assert "empty.txt: empty file" in err
    assert "1 failed" in out
    assert Article.objects.count() == 1


def test_dry_run_json_prints_one_object_per_file(run_import, seeds_dir):
    out, err, error = run_import(seeds_dir, "--dry-run", "--json")
    assert error is None, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"].rsplit("/", 1)[-1] for line in lines] == SEED_NAMES
    for line in lines:
        assert JSON_KEYS <= set(line)
        assert line["error"] is None
        for quote in line["quotes"]:
            assert {"text", "speaker", "speaker_type", "kind", "paragraph", "said_to"} <= set(quote)
            assert 0 <= quote["paragraph"] < len(line["body"])
            assert not quote["text"].startswith(('"', "“"))
    first = lines[0]
    assert first["headline"] == "U.S. Says Russian Offensive Against Kharkiv 'Stalled'"
    assert lines[3]["headline"] is None
    assert lines[3]["headline_derived"]
    assert lines[3]["published"] == "2024-07-17"


def test_dry_run_json_reports_errors_in_line(run_import, tmp_path):
    (tmp_path / "blank.txt").write_bytes(b"")
    out, err, error = run_import(tmp_path, "--dry-run", "--json")
    assert isinstance(error, CommandError)
    line = json.loads(out.strip())
    assert line["file"].endswith("blank.txt")
    assert line["error"] == "empty file"


def test_json_needs_dry_run(run_import, seeds_dir):
    _, _, error = run_import(seeds_dir, "--json")
    assert isinstance(error, CommandError)
    assert "--dry-run" in str(error)


def test_a_folder_without_articles_is_an_error(run_import, tmp_path):
    (tmp_path / "notes.json").write_text("{}")
    _, _, error = run_import(tmp_path)
    assert isinstance(error, CommandError)
    assert "No .txt, .html or .htm files" in str(error)


@pytest.mark.django_db
def test_progress_bar_only_on_a_terminal(seeds_dir, capsys, monkeypatch):
    import io

    from django.core.management import call_command

    call_command("import_articles", str(seeds_dir), "--dry-run", stdout=io.StringIO())
    assert "file/s" not in capsys.readouterr().err

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    call_command("import_articles", str(seeds_dir), "--dry-run", stdout=io.StringIO())
    assert "0/5 [00:00<?, ?file/s]" in capsys.readouterr().err  # the bar as it starts
