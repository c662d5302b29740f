"""Imports at the same time: the import key is unique, and a file another import wrote
meanwhile is read again and updated, never duplicated or failed (bench/concurrent_import.py
runs the same contest between processes)."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from articles.importing import CREATED, FAILED, UNCHANGED, Importer
from articles.models import Article, Person, PersonVariant
from tests.factories import ArticleFactory

SEEDS = ["000_a14a31d47b36e4a7.txt", "001_c0ab1a0fcf27bbe9.txt", "004_5a15858f5304fc93.txt"]


@pytest.mark.django_db
def test_the_import_key_is_unique_in_the_database():
    ArticleFactory(import_key="sha256:" + "a" * 64)
    ArticleFactory(import_key=None)
    ArticleFactory(import_key=None)  # articles made by hand have none: any number of them
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(import_key="sha256:" + "a" * 64)


@pytest.mark.django_db
def test_an_article_written_meanwhile_by_another_import_is_read_again_and_updated(
    seeds_dir, monkeypatch
):
    path = seeds_dir / SEEDS[0]
    first = Importer().import_path(path)
    # The second import looked before the first committed: it finds nothing, once.
    real, calls = Importer._find_existing, []

    def missed_once(self, item):
        calls.append(item.label)
        return None if len(calls) == 1 else real(self, item)

    monkeypatch.setattr(Importer, "_find_existing", missed_once)
    again = Importer().import_path(path)

    assert len(calls) == 2  # refused by the unique import key, then read again
    assert (again.outcome, again.article_id) == (UNCHANGED, first.article_id)
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_a_stale_spelling_cache_does_not_fail_a_file(seeds_dir, tmp_path):
    """Importer A remembers Zelensky's spellings; B adds "Zelenskiy" meanwhile; A then meets
    that spelling and must not fail on unique_variant_per_person."""
    a = Importer()
    assert a.import_path(seeds_dir / SEEDS[0]).outcome == CREATED
    assert Importer().import_path(seeds_dir / SEEDS[2]).outcome == CREATED
    zelensky = Person.objects.get(name="Volodymyr Zelensky")
    assert PersonVariant.objects.filter(person=zelensky, name="Volodymyr Zelenskiy").exists()
    copy = tmp_path / "copy.txt"
    copy.write_text((seeds_dir / SEEDS[2]).read_text() + "\nAnother line of the page.\n")

    result = a.import_path(copy)

    assert result.outcome != FAILED, result.error
    assert PersonVariant.objects.filter(person=zelensky, name="Volodymyr Zelenskiy").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL: SQLite writes one at a time"
)
@pytest.mark.django_db(transaction=True)
def test_four_imports_of_the_same_files_at_once_make_each_article_once(seeds_dir):
    files = [seeds_dir / name for name in SEEDS]
    rounds, threads = 3, 4
    barrier = threading.Barrier(threads)
    failures, errors, counts = [], [], []

    def work():
        try:
            for _ in range(rounds):
                barrier.wait()
                for result in Importer().import_paths(files, workers=0):
                    if result.outcome == FAILED:
                        failures.append(result.error)
                barrier.wait()
                if threading.current_thread().name == "importer-0":
                    counts.append(Article.objects.count())
                    Article.objects.all().delete()  # the next round creates them again
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work, name=f"importer-{i}") for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)

    assert not errors and not failures, (errors, failures)
    assert counts == [len(files)] * rounds
