"""The import service: files in, Articles, Sources, People and Quotes out.

Called by the ``import_articles`` command (and by anything else that imports:
the admin, tests, benchmarks). Each file is imported whole or not at all, and a
bad file never stops the others: a file is written in its own transaction, or,
during a large import, a batch of new articles in one transaction that is
written again file by file if the database refuses any of it (see ``Importer``).

Editors' work is never lost. Every imported row keeps a snapshot of what the
machine extracted (``extracted``). On a re-import a field is refreshed only
while its current value still equals that snapshot; a field whose value differs
was changed by someone (admin, shell, API) and is kept as it is. Quotes an
editor verified, rejected or corrected are kept even when the extractor no
longer finds them; quotes the extractor no longer finds and nobody touched go.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import re
from collections import ChainMap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import slugify

from articles.bulk_rows import insert_rows
from articles.extraction import (
    SUPPORTED_SUFFIXES,
    ExtractedArticle,
    ExtractedPerson,
    ExtractionError,
)
from articles.extraction.files import (
    LoadedFile,
    RefusedInput,
    default_workers,
    iter_loaded,
    load_or_error,
)
from articles.extraction.people import name_key
from articles.extraction.similarity import (
    article_shingles,
    article_text,
    jaccard,
    shingles,
    sketch,
)
from articles.extraction.sources import canonical_org_name, classify_source, domain_of
from articles.history import record_baselines
from articles.models import Article, Mention, Person, PersonVariant, Quote, Shingle, Source
from articles.signals import invalidate_after_commit, invalidation_deferred

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
CHANGE_REASON = "import"  # how the import's changes are labelled in the admin history
# New articles written together in one transaction during a large import (see Importer).
BATCH_SIZE = 100
# How often one file is written again when the database refuses it because another import
# wrote the same rows meanwhile (the same article, person, source or slug) or a deadlock.
WRITE_ATTEMPTS = 4
# A file without an original URL whose headline and text share this much (Jaccard of word
# 5-shingles) with an imported article is a new version of it, and updates it; from
# UNSURE_SIMILARITY up it is imported as a new draft flagged for an editor (similar_to).
SAME_SIMILARITY = 0.7
UNSURE_SIMILARITY = 0.35
POSSIBLE_VERSION_FLAG = "possible_version"
# Sketch values (of SKETCH_SIZE) a new file must share with an article to be compared with
# it: texts 0.35 alike share about six, unrelated ones at most a stock phrase or two.
SHARED_TO_COMPARE = 3
# Quotes being moved are parked this far along their paragraph first, where no quote can
# be (a file is at most a few million characters), so no two ever meet on the way.
PARKED_START = 1_000_000_000

ARTICLE_MACHINE_FIELDS = (
    "headline",
    "body",
    "image_caption",
    "image_credit",
    "og_image_url",
    "byline",
    "url",
    "published_at",
    "source_id",
    "related_links",
    "flags",
)
QUOTE_MACHINE_FIELDS = (
    "text",
    "speaker_id",
    "speaker_organization_id",
    "kind",
    "paragraph",
    "start",
    "end",
    "sentence",
    "said_to",
)


@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    outcome: str
    article_id: int | None = None
    headline: str = ""
    error: str | None = None
    people_created: int = 0
    quotes_created: int = 0
    # Set when the file was matched to an article by its text rather than by its key.
    similar_to: int | None = None
    similarity: float | None = None
    note: str = ""


@dataclass
class ImportSummary:
    """Counts over a whole run, and the failures with their reasons."""

    files: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    quotes_created: int = 0
    failures: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files += 1
        if result.outcome == FAILED:
            self.failures.append(result)
        else:
            setattr(self, result.outcome, getattr(self, result.outcome) + 1)
        self.people_created += result.people_created
        self.quotes_created += result.quotes_created

    def add_failure(self, path: str, reason: str) -> None:
        self.add(FileResult(path=path, outcome=FAILED, error=reason))


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path | RefusedInput]:
    """Yield the importable files under ``paths`` (files as given; folders walked, sorted).

    A folder yields only ``.txt``/``.html``/``.htm`` files, so gold or metadata
    files beside the scrapes are left alone. A path that does not exist is
    yielded as it is, and importing it reports the reason, as it does for a pipe,
    device or socket with such a name. Links are never followed out of the given
    folder: a linked folder is not entered, and a link to a file outside it is
    yielded as a :class:`RefusedInput` naming the reason.
    """
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path
            continue
        root = path.resolve()
        for folder, dirs, names in os.walk(path, followlinks=False):
            dirs.sort()
            for name in sorted(names):
                child = Path(folder, name)
                if child.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                if child.is_symlink() and not child.resolve().is_relative_to(root):
                    yield RefusedInput(child, "a link to a file outside the folder, not followed")
                else:
                    yield child


@dataclass
class _Item:
    """One extracted file waiting to be written."""

    label: str
    extracted: ExtractedArticle
    raw_text: str
    content_hash: str
    source_file: str
    # Filled on demand: the headline's and body's word 5-shingles and their sketch.
    _shingles: set[str] | None = None
    _sketch: list[int] | None = None
    # An imported article this file may be a new version of (unsure), and how similar.
    similar_to: int | None = None
    similarity: float | None = None

    @property
    def url(self) -> str:
        page = self.extracted.page
        return (page.original_url or page.page_url or "")[:1000]

    @property
    def import_key(self) -> str:
        """The original URL, else the file's hash (see ``Article.import_key``)."""
        return self.url or f"sha256:{self.content_hash}"

    @property
    def shingles(self) -> set[str]:
        if self._shingles is None:
            self._shingles = article_shingles(self.extracted)
        return self._shingles

    @property
    def sketch(self) -> list[int]:
        if self._sketch is None:
            self._sketch = sketch(self.shingles)
        return self._sketch


class Importer:
    """Imports files, remembering people and sources between files.

    Each file's article is written whole or not at all. A batch of new articles
    (the bulk of a large import) is written in one transaction with one insert
    per table; if that transaction fails for any reason it is rolled back and
    its files are written again one transaction each, so a bad file is reported
    on its own and never takes the others with it. Re-imported articles, whose
    refresh must respect editors' changes, always take one transaction each.

    The caches hold only rows whose transaction committed, so a failed file
    leaves nothing behind in them either.
    """

    def __init__(
        self,
        *,
        publish: bool = False,
        dry_run: bool = False,
        max_bytes: int | None = None,
        run_id: int | None = None,
    ):
        self.publish = publish
        # The admin import run doing the work: rows it creates carry it, and their history
        # credits that run's user with their creation (articles.history).
        self.run_id = run_id
        self.dry_run = dry_run
        self.max_bytes = max_bytes or settings.NEWSROOM_IMPORT_MAX_BYTES
        self._people: dict[str, int] = {}
        self._sources: dict[str, int] = {}
        self._spellings: dict[int, set[str]] = {}

    def import_path(self, path: Path) -> FileResult:
        """Import one file; never raises for bad input (the result says why it failed)."""
        return self.import_loaded(path, load_or_error(path, self.max_bytes))

    def import_paths(
        self, paths: Iterable[Path], *, workers: int | None = None, batch_size: int = BATCH_SIZE
    ) -> Iterator[FileResult]:
        """Import many files, yielding a :class:`FileResult` for each, in order.

        Extraction runs in ``workers`` processes (default: one per core for
        a large batch) while this process writes ``batch_size`` files at a time.
        """
        paths = list(paths)
        if workers is None:
            workers = default_workers(len(paths))
        loaded = iter_loaded(paths, max_bytes=self.max_bytes, workers=workers, ahead=2 * batch_size)
        with invalidation_deferred(), _fewer_gc_pauses():
            while chunk := list(islice(loaded, max(1, batch_size))):
                results = self.import_batch(chunk)
                del chunk
                gc.collect(1)
                yield from results

    def import_batch(
        self, chunk: list[tuple[Path, LoadedFile | ExtractionError]]
    ) -> list[FileResult]:
        """Import loaded files: new articles together, the rest one by one. Results in order."""
        results: dict[int, FileResult] = {}
        items: dict[int, _Item] = {}
        for i, (path, loaded) in enumerate(chunk):
            if isinstance(loaded, ExtractionError):
                results[i] = FileResult(path=str(path), outcome=FAILED, error=str(loaded))
            else:
                items[i] = _item(path, loaded)
        fresh = {} if self.dry_run or len(items) < 2 else _new_articles(items)
        # In the files' order: each run of new articles together, any other file after the
        # run before it (which may have made the people it names, or its earlier version).
        run: list[int] = []
        for i in [*items, None]:
            if i is not None and i in fresh:
                run.append(i)
                continue
            if len(run) > 1:
                written = self._create_together([items[j] for j in run])
                if written is not None:
                    results.update(zip(run, written, strict=True))
            for j in run:
                if j not in results:
                    results[j] = self._write_one(items[j])
            run = []
            if i is not None:
                results[i] = self._write_one(items[i])
        return [self._logged(results[i]) for i in range(len(chunk))]

    def import_loaded(
        self, path: Path, loaded: LoadedFile | ExtractionError, *, label: str | None = None
    ) -> FileResult:
        """Write one loaded file in its own transaction (rolled back on a dry run).

        ``label`` names the file in the result and the log (default: ``path``).
        """
        if isinstance(loaded, ExtractionError):
            failed = FileResult(path=label or str(path), outcome=FAILED, error=str(loaded))
            return self._logged(failed)
        return self._logged(self._write_one(_item(path, loaded, label=label)))

    def _logged(self, result: FileResult) -> FileResult:
        """Log one line for an imported file (its outcome, article or reason) and return it."""
        fields = {
            "file": result.path,
            "outcome": result.outcome,
            "article_id": result.article_id,
            "import_run": self.run_id,
            "error": result.error,
        }
        if result.outcome == FAILED:
            logger.warning("import of %(file)s failed: %(error)s", fields, extra=fields)
        else:
            dry = " (dry run)" if self.dry_run else ""
            logger.info("%(file)s: %(outcome)s, article %(article_id)s" + dry, fields, extra=fields)
        return result

    def _write_one(self, item: _Item) -> FileResult:
        """Write one file in its own transaction.

        Another import writing the same article, person, source or slug at the same time
        makes the database refuse one of the two (the unique import key, names and slugs),
        or a deadlock stops one; the refused file is then read and written again, so it
        updates what the other wrote instead of failing or duplicating it. What this
        importer remembers of people and sources may be stale by then: it is forgotten.
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            session = _Session(self)
            try:
                with transaction.atomic():
                    _tune_transaction()
                    existing = self._find_existing(item)
                    if existing is None:
                        result = session.create_articles([item])[0]
                    else:
                        result = _ArticleUpdater(session, item, existing).write()
                    if self.dry_run:
                        transaction.set_rollback(True)
            except (IntegrityError, OperationalError) as exc:
                if attempt < WRITE_ATTEMPTS:
                    logger.info(
                        "import of %s refused (%s: %s); reading it again",
                        item.label,
                        type(exc).__name__,
                        exc,
                    )
                    self.forget()
                    continue
                return _database_failure(item, exc)
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
                return _database_failure(item, exc)
            if not self.dry_run:
                session.committed(changed=result.outcome != UNCHANGED)
            return result
        raise AssertionError("unreachable")  # the last attempt returns

    def forget(self) -> None:
        """Drop what this importer remembers of people and sources (read them again)."""
        self._people.clear()
        self._sources.clear()
        self._spellings.clear()

    def _find_existing(self, item: _Item) -> Article | None:
        """The article a file imported before, locked until the transaction ends.

        The same import key, original URL or content first; for a file without an original
        URL, else an article whose headline and text are nearly the same
        (``SAME_SIMILARITY``), whose new version the file is. A less similar one
        (``UNSURE_SIMILARITY``) is noted on the item: a new draft is made and flagged.
        """
        url = item.url
        match = Q(import_key=item.import_key) | Q(content_hash=item.content_hash)
        if url:
            match |= Q(url=url)
        found = list(Article.objects.select_for_update().filter(match).order_by("pk")[:5])
        if found:
            for test in (
                lambda a: a.import_key == item.import_key,
                lambda a: url and a.url == url,
            ):
                for article in found:
                    if test(article):
                        return article
            return found[0]
        if url:
            return None
        best, similarity = _most_similar(item)
        if best is None or similarity < UNSURE_SIMILARITY:
            return None
        if similarity < SAME_SIMILARITY:
            item.similar_to, item.similarity = best.pk, similarity
            return None
        item.similarity = similarity
        return Article.objects.select_for_update().get(pk=best.pk)

    def _create_together(self, items: list[_Item]) -> list[FileResult] | None:
        """Create articles for ``items`` in one transaction; None if it had to be rolled back."""
        session = _Session(self)
        try:
            with transaction.atomic():
                _tune_transaction()
                results = session.create_articles(items)
        except Exception as exc:  # noqa: BLE001 - the files are written again one by one
            logger.warning(
                "a batch of %d new articles failed (%s: %s); writing them one by one",
                len(items),
                type(exc).__name__,
                exc,
            )
            return None
        session.committed(changed=True)
        return results


def _database_failure(item: _Item, exc: Exception) -> FileResult:
    logger.exception("import of %s failed", item.label)
    return FileResult(
        path=item.label, outcome=FAILED, error=f"database error: {type(exc).__name__}: {exc}"
    )


def _most_similar(item: _Item) -> tuple[Article | None, float]:
    """The imported article most like ``item`` (by their last extraction), and how alike.

    Candidates are the few articles sharing the most sketch values with the file; the
    exact Jaccard similarity of their shingles decides.
    """
    if not item.sketch:
        return None, 0.0
    candidates = list(
        Shingle.objects.filter(value__in=item.sketch)
        .values_list("article_id", flat=True)
        .annotate(n=Count("pk"))
        .filter(n__gte=SHARED_TO_COMPARE)
        .order_by("-n", "article_id")[:5]
    )
    best, best_similarity = None, 0.0
    for article in Article.objects.filter(pk__in=candidates).order_by("pk"):
        similarity = jaccard(item.shingles, _article_shingles(article))
        if similarity > best_similarity:
            best, best_similarity = article, similarity
    return best, best_similarity


def _article_shingles(article: Article) -> set[str]:
    """The shingles of what the machine last extracted for ``article``."""
    snapshot = article.extracted or {}
    headline = snapshot.get("headline", article.headline)
    body = snapshot.get("body", article.body)
    return shingles(article_text(headline, body.split("\n\n")))


def _item(path: Path, loaded: LoadedFile, *, label: str | None = None) -> _Item:
    return _Item(
        label or str(path),
        loaded.extracted,
        loaded.raw,
        loaded.content_hash,
        path.name,
        _sketch=loaded.sketch,
    )


def _new_articles(items: dict[int, _Item]) -> dict[int, _Item]:
    """Those of ``items`` that are surely new articles: no earlier file, here or in the
    database, has their import key, original URL or content, and a file without an
    original URL shares no sketch value with an imported article or an earlier file here
    (such a file may be a new version: it is written on its own, which compares)."""
    urls = {item.url for item in items.values() if item.url}
    hashes = {item.content_hash for item in items.values()}
    keys = {item.import_key for item in items.values()}
    match = Q(content_hash__in=hashes) | Q(import_key__in=keys)
    if urls:
        match |= Q(url__in=urls)
    seen_urls, seen_hashes, seen_keys = set(), set(), set()
    for url, content_hash, key in Article.objects.filter(match).values_list(
        "url", "content_hash", "import_key"
    ):
        seen_urls.add(url)
        seen_hashes.add(content_hash)
        seen_keys.add(key)
    unkeyed = {v for item in items.values() if not item.url for v in item.sketch}
    seen_values = set(
        Shingle.objects.filter(value__in=unkeyed).values_list("value", flat=True).distinct()
    )

    def may_be_a_version(item: _Item) -> bool:
        # One shared value is often a stock phrase; a version shares many (see SHARED_TO_COMPARE).
        return not item.url and len(seen_values.intersection(item.sketch)) >= SHARED_TO_COMPARE

    fresh = {}
    for i, item in items.items():
        if (
            item.content_hash in seen_hashes
            or item.import_key in seen_keys
            or (item.url and item.url in seen_urls)
            or may_be_a_version(item)
        ):
            continue
        fresh[i] = item
        seen_hashes.add(item.content_hash)
        seen_keys.add(item.import_key)
        seen_values.update(item.sketch)
        if item.url:
            seen_urls.add(item.url)
    return fresh


@dataclass
class _Resolved:
    """How one group of names was resolved: name -> person id, and what it added."""

    ids: dict[str, int]
    people_created: int = 0
    variants_added: int = 0


class _Session:
    """The work of one transaction: what it adds to the importer's caches waits here
    until the transaction commits."""

    def __init__(self, importer: Importer):
        self.importer = importer
        self.people: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.spellings: dict[int, set[str]] = {}

    def committed(self, *, changed: bool) -> None:
        if changed:
            # Quotes and mentions are written in bulk, which sends no model signals.
            invalidate_after_commit()
        self.importer._people.update(self.people)
        self.importer._sources.update(self.sources)
        self.importer._spellings.update(self.spellings)

    # --- new articles --------------------------------------------------------------

    def create_articles(self, items: list[_Item]) -> list[FileResult]:
        """Create an article, its people, mentions, quotes and links for each item,
        with one insert per table for them all."""
        machines = [self.machine_fields(item) for item in items]
        slugs = _unique_slugs(
            Article, [slugify(m["headline"])[:180].strip("-") or "article" for m in machines]
        )
        now = timezone.now()
        rows = []
        for item, machine, slug in zip(items, machines, slugs, strict=True):
            row = {
                "slug": slug,
                "status": Article.Status.DRAFT,
                "raw_input": item.raw_text,
                "content_hash": item.content_hash,
                "imported_hashes": [item.content_hash],
                "import_key": item.import_key,
                "similar_to_id": item.similar_to,
                "source_file": item.source_file[:500],
                "extracted": _jsonable(machine),
                "imported_at": now,
                "import_run_id": self.importer.run_id,
                **machine,
            }
            if self.importer.publish:
                row["status"] = Article.Status.PUBLISHED
                row["published_at"] = row["published_at"] or now
            rows.append(row)
        # No history rows: it starts before the first change (articles.history).
        article_ids = insert_rows(Article, rows, with_ids=True)

        # People: each article's listed people, then each speaker it did not list.
        groups: list[list[ExtractedPerson]] = []
        spans = []
        for item in items:
            own = _people_groups(item.extracted)
            spans.append((len(groups), len(own)))
            groups += own
        resolved = self.resolve_people(groups)

        mentions, quotes, results = [], [], []
        for item, article_id, row, (first, count) in zip(
            items, article_ids, rows, spans, strict=True
        ):
            own = resolved[first : first + count]
            ids = ChainMap(*(r.ids for r in own))
            mentions += (
                {"article_id": article_id, **fields}
                for fields in _mention_fields(item.extracted.people, ids)
            )
            new_quotes = self.new_quotes(article_id, item.extracted, ids)
            quotes += new_quotes
            results.append(
                FileResult(
                    path=item.label,
                    outcome=CREATED,
                    article_id=article_id,
                    headline=row["headline"],
                    people_created=sum(r.people_created for r in own),
                    quotes_created=len(new_quotes),
                )
            )
        insert_rows(Mention, mentions)
        insert_rows(Quote, quotes)  # history: see articles.history
        insert_rows(
            Shingle,
            [
                {"article_id": article_id, "value": value}
                for article_id, item in zip(article_ids, items, strict=True)
                for value in item.sketch
            ],
        )
        _link_related(dict(zip(article_ids, items, strict=True)))
        if self.importer.publish:
            # Bulk inserts send no signals: readers' counts and visibility, once per batch.
            _refresh_public_state(articles=article_ids)
        for result, item in zip(results, items, strict=True):
            if item.similar_to:
                result.similar_to, result.similarity = item.similar_to, item.similarity
                result.note = (
                    f"possibly a new version of article {item.similar_to} "
                    f"(similarity {item.similarity:.2f}): flagged for an editor"
                )
        return results

    def machine_fields(self, item: _Item) -> dict:
        """The article's fields as the machine extracted them."""
        page = item.extracted.page
        flags = list(page.flags)
        if item.similar_to and POSSIBLE_VERSION_FLAG not in flags:
            flags.append(POSSIBLE_VERSION_FLAG)
        return {
            "headline": (page.headline or page.headline_derived or "Untitled")[:500],
            "body": "\n\n".join(p.strip() for p in page.body if p.strip()),
            "image_caption": (page.image_caption or "")[:1000],
            "image_credit": (page.image_credit or "")[:300],
            "og_image_url": page.image_url or "",
            "byline": (page.byline or "")[:300],
            "url": item.url,
            "published_at": _midnight(page.published),
            "source_id": self.publisher_id(page.source, item.url),
            "related_links": [{"title": r.title, "url": r.url} for r in page.related],
            "flags": flags,
        }

    def new_quotes(self, article_id: int, extracted: ExtractedArticle, people) -> list[dict]:
        """The rows of a new article's quotes (one per place in the text), for insert_rows."""
        taken = set()
        quotes = []
        for eq in extracted.quotes:
            if (eq.paragraph, eq.start) in taken:
                continue
            taken.add((eq.paragraph, eq.start))
            machine = self.quote_fields(eq, people)
            quotes.append(
                {
                    "article_id": article_id,
                    "extracted": _jsonable(machine),
                    "import_run_id": self.importer.run_id,
                    **machine,
                }
            )
        return quotes

    def quote_fields(self, eq, people) -> dict:
        """A quote's fields as the machine extracted them; ``people`` maps names to ids."""
        machine = {
            "text": eq.text,
            "speaker_id": None,
            "speaker_organization_id": None,
            "kind": eq.kind,
            "paragraph": eq.paragraph,
            "start": eq.start,
            "end": eq.end,
            "sentence": eq.sentence,
            "said_to": (eq.said_to or "")[:300],
            "cue": (eq.cue or "")[:40],
            "rule": (eq.rule or "")[:80],
            "confidence": eq.confidence,
            "resolved_from": eq.resolved_from or "",
            "source_description": (eq.source_description or "")[:300],
        }
        if eq.speaker and eq.speaker_type == "person":
            machine["speaker_id"] = people[eq.speaker]  # see _people_groups
        elif eq.speaker and eq.speaker_type == "organization":
            org = canonical_org_name(eq.speaker)
            machine["speaker_organization_id"] = self.source_id(org, kind=classify_source(org))
        return machine

    # --- sources -------------------------------------------------------------------

    def publisher_id(self, name: str | None, url: str) -> int | None:
        """The outlet that published the original, by its name and/or its web domain."""
        name = (name or "").strip()[:200]
        domain = domain_of(url) or ""
        if not name and not domain:
            return None
        key = f"publisher:{name.lower()}|{domain}"
        cached = self.importer._sources.get(key) or self.sources.get(key)
        if cached:
            return cached
        source = _find_publisher(name, domain)
        if source is None:
            label = name or domain
            source = Source.objects.create(
                name=label,
                slug=_unique(Source, slugify(label)[:190] or "source"),
                kind=Source.Kind.PUBLISHER,
                domain=domain,
                homepage=f"https://{domain}/" if domain else "",
            )
        elif domain and not source.domain:
            source.domain = domain
            source.homepage = source.homepage or f"https://{domain}/"
            source.save(update_fields=["domain", "homepage", "updated_at"])
        self.sources[key] = source.pk
        return source.pk

    def source_id(self, name: str, *, kind: str) -> int:
        """An organisation by name (a speaker such as the Kremlin), created when new."""
        name = name.strip()[:200]
        key = name.lower()
        cached = self.importer._sources.get(key) or self.sources.get(key)
        if cached:
            return cached
        source = Source.objects.filter(name__iexact=name).first()
        if source is None:
            source = Source.objects.create(
                name=name, slug=_unique(Source, slugify(name)[:190] or "source"), kind=kind
            )
        self.sources[key] = source.pk
        return source.pk

    # --- people --------------------------------------------------------------------

    def resolve_people(self, groups: list[list[ExtractedPerson]]) -> list[_Resolved]:
        """Map each group's names to person ids, group after group, creating new people.

        Each group (the people of one article, say) is matched against the people
        known before it, the earlier groups' new people included, exactly as if
        the groups came one at a time; but the database is asked once for all the
        names and the new people and name variants are each written in one insert.
        A one-word name (a bare surname) matches only when it points to one person.
        """
        cache = ChainMap(self.people, self.importer._people)
        keys_of = [{p.name: _name_keys(p) for p in group} for group in groups]
        unknown = {k for keys in keys_of for ks in keys.values() for k in ks if k not in cache}
        found = ChainMap(cache, self._lookup_keys(unknown) if unknown else {})
        new_people: list[dict] = []  # a new person's id is -(its index + 1) until inserted
        resolved = []
        for group, keys in zip(groups, keys_of, strict=True):
            ids: dict[str, int] = {}
            to_create: dict[str, ExtractedPerson] = {}
            for person in group:
                full_keys = [k for k in keys[person.name] if " " in k] or keys[person.name]
                pid = next((found[k] for k in full_keys if k in found), None)
                if pid is not None:
                    ids[person.name] = pid
                else:
                    to_create.setdefault(full_keys[0] if full_keys else person.name, person)
            made = {}
            for person in to_create.values():
                new_people.append(_new_person(person, run_id=self.importer.run_id))
                made[person.name] = -len(new_people)
                self.spellings[made[person.name]] = {person.name[:200].lower()}
            for person in group:
                if person.name not in ids:
                    ks = keys[person.name]
                    first = ([k for k in ks if " " in k] or ks or [person.name])[0]
                    ids[person.name] = made[to_create[first].name]
            for person in group:
                for key in keys[person.name]:
                    self.people[key] = ids[person.name]
            resolved.append(_Resolved(ids=ids, people_created=len(made)))
        variants = self._new_variants(groups, resolved)
        if new_people:
            slugs = _unique_slugs(
                Person, [slugify(p["name"])[:190] or "person" for p in new_people]
            )
            for person, slug in zip(new_people, slugs, strict=True):
                person["slug"] = slug
            # No history rows yet: articles.history records one before the first change.
            new_ids = insert_rows(Person, new_people, with_ids=True)
            real = {-(i + 1): pk for i, pk in enumerate(new_ids)}
            self._renumber(real, resolved)
            for variant in variants:
                variant.person_id = real.get(variant.person_id, variant.person_id)
        if variants:
            # Another import may have added the same spelling since it was read: one is enough.
            PersonVariant.objects.bulk_create(variants, ignore_conflicts=True)
        return resolved

    def _lookup_keys(self, keys: set[str]) -> dict[str, int]:
        """Map name keys to existing people.

        The one person of exactly that name comes first, else a person with that name
        as a variant; a one-word key ("Ford") must then point to one person only. So
        importing the same files again finds the people the first import made, even
        for a name that was already ambiguous then.
        """
        hits: dict[str, set[int]] = {}
        exact: dict[str, set[int]] = {}
        for pid, key in Person.objects.filter(name_key__in=keys).values_list("pk", "name_key"):
            hits.setdefault(key, set()).add(pid)
            exact.setdefault(key, set()).add(pid)
        for pid, key in PersonVariant.objects.filter(name_key__in=keys).values_list(
            "person_id", "name_key"
        ):
            hits.setdefault(key, set()).add(pid)
        found = {}
        for key, pids in hits.items():
            if len(exact.get(key, ())) == 1:
                found[key] = min(exact[key])  # the person of exactly this name comes first
            elif len(pids) == 1 or " " in key:
                found[key] = min(pids)
        return found

    def _new_variants(
        self, groups: list[list[ExtractedPerson]], resolved: list[_Resolved]
    ) -> list[PersonVariant]:
        """Unsaved variants for each spelling of a name that its person lacks.

        The spellings of people met earlier in the run are remembered, so only
        people new to this run cost a query (one for all the groups).
        """
        known = ChainMap(self.spellings, self.importer._spellings)
        unknown = {pid for r in resolved for pid in r.ids.values() if pid not in known}
        if unknown:
            fetched: dict[int, set[str]] = {pid: set() for pid in unknown}
            for pid, name in Person.objects.filter(pk__in=unknown).values_list("pk", "name"):
                fetched[pid].add(name.lower())
            for pid, name in PersonVariant.objects.filter(person_id__in=unknown).values_list(
                "person_id", "name"
            ):
                fetched[pid].add(name.lower())
            self.spellings.update(fetched)
        new = []
        for group, result in zip(groups, resolved, strict=True):
            for person in group:
                pid = result.ids[person.name]
                spellings = known[pid]
                for alias in [person.name, *person.aliases]:
                    alias = alias.strip()[:200]
                    if alias and alias.lower() not in spellings:
                        spellings = self.spellings[pid] = spellings | {alias.lower()}
                        new.append(
                            PersonVariant(person_id=pid, name=alias, name_key=name_key(alias))
                        )
                        result.variants_added += 1
        return new

    def _renumber(self, real: dict[int, int], resolved: list[_Resolved]) -> None:
        """Replace the stand-in ids of new people by their ids in the database."""
        for result in resolved:
            result.ids = {name: real.get(pid, pid) for name, pid in result.ids.items()}
        self.people = {key: real.get(pid, pid) for key, pid in self.people.items()}
        self.spellings = {real.get(pid, pid): names for pid, names in self.spellings.items()}


def _people_groups(extracted: ExtractedArticle) -> list[list[ExtractedPerson]]:
    """The people an article needs, as groups for :meth:`_Session.resolve_people`: its listed
    people, then each person speaker it does not list, alone (a quote's speaker is one of
    the article's people: ``ExtractedArticle.speakers_not_listed``). Only the listed people
    get mentions; every name here gets a person, so every quote's speaker has one."""
    return [
        list(extracted.people),
        *([ExtractedPerson(name=name)] for name in extracted.speakers_not_listed()),
    ]


def _name_keys(person: ExtractedPerson) -> list[str]:
    return [k for k in dict.fromkeys(name_key(n) for n in [person.name, *person.aliases]) if k]


def _new_person(person: ExtractedPerson, *, run_id: int | None = None) -> dict:
    """The row of a new person, for insert_rows."""
    role = (person.role or "")[:300]
    name = person.name[:200]
    return {
        "name": name,
        "name_key": name_key(name),
        "slug": "",  # chosen with the other new people's, just before they are inserted
        "role": role,
        "extracted": {"name": person.name, "role": role},
        "import_run_id": run_id,
    }


def _mention_fields(people: list[ExtractedPerson], ids) -> list[dict]:
    """The fields of a mention of each listed person (one each), with the role this
    article gives them; ``ids`` maps names to person ids."""
    wanted: dict[int, ExtractedPerson] = {}
    for person in people:
        wanted.setdefault(ids[person.name], person)
    return [
        {
            "person_id": pid,
            "role": (person.role or "")[:300],
            "extracted": {"role": (person.role or "")[:300]},
            "rule": (person.rule or "")[:80],
            "evidence": (person.evidence or "")[:300],
            "confidence": person.confidence,
        }
        for pid, person in wanted.items()
    ]


def _link_related(articles: dict[int, _Item]) -> bool:
    """Link each article (by id) to the articles its "Related article" lines point to.
    True if any."""
    wanted = {
        pk: {r.url for r in item.extracted.page.related if r.url} for pk, item in articles.items()
    }
    urls = set().union(*wanted.values())
    if not urls:
        return False
    by_url = dict(Article.objects.filter(url__in=urls).values_list("url", "pk"))
    Link = Article.related.through
    already = set(
        Link.objects.filter(from_article_id__in=wanted).values_list(
            "from_article_id", "to_article_id"
        )
    )
    links = [
        {"from_article_id": pk, "to_article_id": by_url[url]}
        for pk, article_urls in wanted.items()
        for url in sorted(article_urls)
        if url in by_url and by_url[url] != pk and (pk, by_url[url]) not in already
    ]
    insert_rows(Link, links)
    return bool(links)


class _ArticleUpdater:
    """Refreshes an article imported before, keeping every change an editor made."""

    def __init__(self, session: _Session, item: _Item, article: Article):
        self.session = session
        self.item = item
        self.extracted = item.extracted
        self.article = article
        self.changed = False
        self.people_created = 0

    def write(self) -> FileResult:
        article, item = self.article, self.item
        if item.content_hash != article.content_hash and item.content_hash in (
            article.imported_hashes or []
        ):
            # An earlier version imported again (a folder holding two versions, say): the
            # later one stays, or importing the folder twice would change it back and forth.
            return FileResult(
                path=item.label,
                outcome=UNCHANGED,
                article_id=article.pk,
                headline=article.headline,
                note=f"an earlier version of article {article.pk}; the later one is kept",
            )
        if article.similar_to_id:
            item.similar_to = article.similar_to_id  # the flag stays until an editor clears it
        self.changed = _refresh(article, self.session.machine_fields(item))
        bookkeeping = {
            "raw_input": item.raw_text,
            "content_hash": item.content_hash,
            "imported_hashes": list(
                dict.fromkeys([*(article.imported_hashes or []), item.content_hash])
            ),
            "source_file": item.source_file[:500],
        }
        for name, value in bookkeeping.items():
            if getattr(article, name) != value:
                setattr(article, name, value)
                self.changed = True
        if self.changed:
            article.imported_at = timezone.now()
            article._change_reason = CHANGE_REASON
            article.save()
        people = self._sync_people()
        quotes_created = self._sync_quotes(people)
        if _link_related({article.pk: item}):
            self.changed = True
        self._sync_sketch()
        if self.changed:
            # Mentions and quotes added in bulk send no signals.
            _refresh_public_state(articles=[article.pk])
        result = FileResult(
            path=item.label,
            outcome=UPDATED if self.changed else UNCHANGED,
            article_id=article.pk,
            headline=article.headline,
            people_created=self.people_created,
            quotes_created=quotes_created,
        )
        if item.similarity is not None:
            result.similarity = item.similarity
            result.note = (
                f"a new version of article {article.pk} (similarity {item.similarity:.2f})"
            )
        return result

    def _sync_sketch(self) -> None:
        wanted = set(self.item.sketch)
        stored = set(self.article.shingles.values_list("value", flat=True))
        if wanted != stored:
            self.article.shingles.filter(value__in=stored - wanted).delete()
            Shingle.objects.bulk_create(
                Shingle(article=self.article, value=v) for v in sorted(wanted - stored)
            )

    def _sync_people(self) -> dict[str, int]:
        """Match or create each person; keep mentions in step. Returns name -> person id."""
        people = self.extracted.people
        resolved = self.session.resolve_people(_people_groups(self.extracted))
        ids = ChainMap(*(r.ids for r in resolved))
        self.people_created += sum(r.people_created for r in resolved)
        self.changed |= any(r.variants_added for r in resolved)
        existing = {m.person_id: m for m in self.article.mentions.all()}
        wanted = {
            fields["person_id"]: Mention(article=self.article, **fields)
            for fields in _mention_fields(people, ids)
        }
        new_mentions = []
        for person_id, fresh in wanted.items():
            mention, role = existing.get(person_id), fresh.role
            if mention is None:
                new_mentions.append(fresh)
            else:
                dirty = False
                if (
                    mention.extracted.get("role", mention.role) == mention.role
                    and mention.role != role
                ):
                    mention.role = role
                    mention.extracted = {"role": role}
                    dirty = True
                provenance = {f: getattr(fresh, f) for f in ("rule", "evidence", "confidence")}
                if any(getattr(mention, f) != v for f, v in provenance.items()):
                    for f, v in provenance.items():
                        setattr(mention, f, v)
                    dirty = True
                if dirty:
                    mention.save(update_fields=["role", "extracted", *provenance])
                    self.changed = True
        if new_mentions:
            Mention.objects.bulk_create(new_mentions)
            self.changed = True
        stale = [
            m.pk
            for pid, m in existing.items()
            if pid not in wanted and m.extracted and m.extracted.get("role") == m.role
        ]
        if stale:
            Mention.objects.filter(pk__in=stale).delete()
            self.changed = True
        return ids

    def _sync_quotes(self, people: dict[str, int]) -> int:
        """Bring the quotes in step with the extraction, keeping every editor's quote.

        Quotes are matched to the extraction by their words (as stored, or as last
        extracted when an editor corrected them), at the same place first. A place is held,
        in this order, by an editor's quote the extraction no longer finds, by an editor's
        quote where the extraction puts it (else where it was), then by the machine's quotes;
        a machine quote whose place is held goes, as it would be made again. Quotes that move
        are parked out of the way first, so a paragraph inserted above them moves them all
        without two ever meeting on the unique place.
        """
        existing = list(self.article.quotes.all())
        before = {q.pk: (q.paragraph, q.start, q.end) for q in existing}
        before_speakers = {q.pk: (q.speaker_id, q.speaker_organization_id) for q in existing}
        loaded = {q.pk: _saved_values(q) for q in existing}
        by_text: dict[str, list[Quote]] = {}
        for quote in existing:
            by_text.setdefault(quote.text, []).append(quote)
        for quote in existing:
            snapshot = (quote.extracted or {}).get("text")
            if snapshot and snapshot != quote.text:
                by_text.setdefault(snapshot, []).append(quote)
        seen: set[int] = set()
        matched: list[Quote] = []
        fresh: list[dict] = []
        for machine in self._placed_quotes(people):
            place = (machine["paragraph"], machine["start"])
            same = [q for q in by_text.get(machine["text"], []) if q.pk not in seen]
            here = [q for q in same if (q.paragraph, q.start) == place]
            quote = (here or same or [None])[0]
            if quote is None:
                fresh.append(machine)
                continue
            seen.add(quote.pk)
            quote._untouched_before = bool(quote.extracted) and _untouched(
                quote, QUOTE_MACHINE_FIELDS
            )
            if _refresh(quote, machine):
                quote._change_reason = CHANGE_REASON
                quote._dirty = True
            matched.append(quote)
        unmatched = [q for q in existing if q.pk not in seen]
        gone = [q for q in unmatched if q.extracted and _untouched(q, QUOTE_MACHINE_FIELDS)]
        held = {(q.paragraph, q.start) for q in unmatched if q not in gone}
        editors = [q for q in matched if not q._untouched_before]
        taken = _settle(editors, held, before)
        kept = list(editors)
        for quote in matched:
            if quote._untouched_before:
                if (quote.paragraph, quote.start) in taken:
                    gone.append(quote)  # an editor's quote holds its place
                else:
                    taken.add((quote.paragraph, quote.start))
                    kept.append(quote)
        to_create = []
        for machine in fresh:
            if (machine["paragraph"], machine["start"]) in taken:
                continue  # an editor's quote holds this place
            taken.add((machine["paragraph"], machine["start"]))
            to_create.append(
                Quote(
                    article=self.article,
                    extracted=_jsonable(machine),
                    import_run_id=self.session.importer.run_id,
                    **machine,
                )
            )
        if gone:
            Quote.objects.filter(pk__in=[q.pk for q in gone]).delete()
            self.changed = True
        moving = [q.pk for q in kept if (q.paragraph, q.start) != before[q.pk][:2]]
        if moving:
            Quote.objects.filter(pk__in=moving).update(start=F("start") + PARKED_START)
        changed = [q for q in kept if getattr(q, "_dirty", False) or q.pk in moving]
        if changed:
            _save_quotes(changed, before_speakers, loaded)
            self.changed = True
        if to_create:
            Quote.objects.bulk_create(to_create)  # history: see articles.history
            self.changed = True
        return len(to_create)

    def _placed_quotes(self, people: dict[str, int]) -> list[dict]:
        """The extracted quotes' fields, one per place, placed in the stored body.

        While the body is the machine's, that is where the extraction found them. When an
        editor changed it (and so it was kept), each quote is placed where its words are in
        the stored body: in the same paragraph if it is still there word for word, else in
        the paragraph nearest to where it was that has them; a quote whose words are not in
        the stored body at all is left out, so none ever points at words readers cannot see.
        """
        page = self.extracted.page
        machine_body = "\n\n".join(p.strip() for p in page.body if p.strip())
        stored = None if self.article.body == machine_body else self.article.paragraphs
        where: dict[int, int] = {}
        if stored is not None:
            matcher = SequenceMatcher(None, list(page.body), stored, autojunk=False)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    where[block.a + k] = block.b + k
        placed, places = [], set()
        for eq in self.extracted.quotes:
            machine = self.session.quote_fields(eq, people)
            if stored is not None:
                spot = _locate(eq, stored, where)
                if spot is None:
                    continue
                machine["paragraph"], machine["start"], machine["end"] = spot
            place = (machine["paragraph"], machine["start"])
            if place not in places:
                places.add(place)
                placed.append(machine)
        return placed


# What a re-import may change on a quote it keeps (everything but its key and bookkeeping).
_QUOTE_FIELDS = [
    f
    for f in Quote._meta.concrete_fields
    if not f.primary_key and f.name not in ("version", "created_at", "updated_at", "article")
]


def _saved_values(quote: Quote) -> tuple:
    return tuple(getattr(quote, f.attname) for f in _QUOTE_FIELDS)


def _save_quotes(
    quotes: list[Quote], before_speakers: dict[int, tuple], loaded: dict[int, tuple]
) -> None:
    """Save the quotes a re-import changed or moved as one save each would, in a few
    queries whatever their number (one ``save()`` each cost about 15 queries: 5,000 moved
    quotes took minutes): their first history record if they have none, the rows and
    their versions, one history record each, and the public state of them and of the
    speakers they had and have."""
    record_baselines(Quote, quotes)
    now = timezone.now()
    # The place (parked in the database while quotes move) and the columns that changed on
    # some quote: fewer columns keep the one UPDATE per batch small.
    changed = {"paragraph", "start", "end"} | {
        f.name
        for quote in quotes
        for f, old, new in zip(_QUOTE_FIELDS, loaded[quote.pk], _saved_values(quote), strict=True)
        if old != new
    }
    for quote in quotes:
        quote.updated_at = now
    Quote.objects.bulk_update(quotes, sorted(changed | {"updated_at"}), batch_size=500)
    pks = [q.pk for q in quotes]
    Quote.objects.filter(pk__in=pks).update(version=F("version") + 1)
    for quote in quotes:
        quote.version += 1  # as stored now (the article's lock keeps others out)
    Quote.history.bulk_history_create(
        quotes, update=True, default_change_reason=CHANGE_REASON, default_date=now, batch_size=500
    )
    old_people = {s for s, _ in (before_speakers.get(pk, (None, None)) for pk in pks)}
    old_orgs = {o for _, o in (before_speakers.get(pk, (None, None)) for pk in pks)}
    _refresh_public_state(
        quotes=pks, people=[p for p in old_people if p], sources=[o for o in old_orgs if o]
    )
    invalidate_after_commit()


def _locate(eq, paragraphs: list[str], where: dict[int, int]) -> tuple[int, int, int] | None:
    """Where quote ``eq``'s words are in ``paragraphs`` (an editor's body): (paragraph,
    start, end), or None. ``where`` maps the extraction's paragraphs to the same ones there."""
    if not eq.text:
        return None
    same = where.get(eq.paragraph)
    if same is not None and paragraphs[same][eq.start : eq.end] == eq.text:
        return same, eq.start, eq.end
    expected = same if same is not None else min(eq.paragraph, len(paragraphs) - 1)
    for index in sorted(range(len(paragraphs)), key=lambda i: (abs(i - expected), i)):
        start = paragraphs[index].find(eq.text)
        if start >= 0:
            return index, start, start + len(eq.text)
    return None


def _settle(quotes: list[Quote], held: set[tuple[int, int]], before: dict) -> set:
    """Give each of ``quotes`` (editors' quotes, refreshed in memory) a free place.

    Each takes the place the extraction gave it unless that place is ``held`` or another
    quote's; then it stays where it was (``before``), which may free others. Returns the
    places now taken.
    """
    stay: set[int] = set()
    while True:
        taken = set(held) | {before[pk][:2] for pk in stay}
        clash = None
        for quote in quotes:
            if quote.pk in stay:
                continue
            place = (quote.paragraph, quote.start)
            if place in taken:
                clash = quote
                break
            taken.add(place)
        if clash is None:
            return taken
        stay.add(clash.pk)
        clash.paragraph, clash.start, clash.end = before[clash.pk]


def _refresh_public_state(**kwargs) -> None:
    # articles.publishing imports this module: imported when first needed.
    from articles.publishing import refresh_public_state

    refresh_public_state(**kwargs)


def _refresh(obj, machine: dict) -> bool:
    """Refresh ``obj`` from ``machine`` values, keeping editors' changes. True if changed.

    A field is refreshed only while it still holds the value last extracted
    (``obj.extracted``); the new extraction becomes the snapshot.
    """
    changed = False
    snapshot = obj.extracted or {}
    for name, new in machine.items():
        current = getattr(obj, name)
        if name in snapshot and _jsonable_value(current) != snapshot[name]:
            continue  # changed by an editor since the last import: theirs
        if current != new:
            setattr(obj, name, new)
            changed = True
    new_snapshot = _jsonable(machine)
    if snapshot != new_snapshot:
        obj.extracted = new_snapshot
        changed = True
    return changed


@contextmanager
def _fewer_gc_pauses():
    """Run the cyclic garbage collector less often during a batch import.

    Each file makes thousands of short-lived ORM objects, so with the default
    threshold the collector runs every few files and rescans the importer's
    long-lived caches. Measured on 10,000 articles into SQLite (bench/import_bench.py):
    62.8 s before, 47.6 s after, peak memory within 4 MB.
    """
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _tune_transaction() -> None:
    """On PostgreSQL, set this import transaction's commit and compression (one query).

    The commit does not wait for the disk: a crash may lose the last few files' commits
    (never half of one: each stays atomic), and re-running an import is idempotent, so
    waiting for a flush after every file would only make a large import several times
    slower. Long values (an article's raw input, body and snapshot) are compressed with
    LZ4 where the server has it: the same values, stored, in a fraction of the server's
    time (pglz took about a quarter of the server's time for an article row).
    """
    if connection.vendor != "postgresql":
        return
    values = {"synchronous_commit": "off"}
    if _server_has_lz4(connection.alias):
        values["default_toast_compression"] = "lz4"
    calls = ", ".join("set_config(%s, %s, true)" for _ in values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [part for pair in values.items() for part in pair])


@cache
def _server_has_lz4(alias: str) -> bool:
    """Whether the PostgreSQL server of database ``alias`` can compress with LZ4 (a build
    option); asked once per process."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _find_publisher(name: str, domain: str) -> Source | None:
    """An existing source for this outlet, by domain, by name, or by one matching the other.

    The same outlet is often seen once by name only ("The Moscow Times", from the
    page's furniture) and once by domain only (themoscowtimes.com, from a URL): they
    are one source when the name without spaces and punctuation is the domain's
    first label.
    """
    match = Q(domain=domain) if domain else Q()
    if name:
        match |= Q(name__iexact=name)
    found = Source.objects.filter(match).order_by("-domain", "pk").first()
    if found:
        return found
    if name and not domain:
        return Source.objects.filter(domain__startswith=f"{_squash(name)}.").first()
    if domain and not name:
        label = domain.split(".")[0]
        for source in Source.objects.filter(kind=Source.Kind.PUBLISHER, domain=""):
            if _squash(source.name) == label:
                return source
    return None


def _untouched(quote: Quote, fields: tuple[str, ...]) -> bool:
    """True when nobody changed the quote since the machine extracted it."""
    if quote.state != Quote.State.UNREVIEWED:
        return False
    return all(_jsonable_value(getattr(quote, f)) == quote.extracted.get(f) for f in fields)


def _midnight(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _jsonable_value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _jsonable(values: dict) -> dict:
    return {k: _jsonable_value(v) for k, v in values.items()}


def _unique(model, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free."""
    return _unique_slugs(model, [base])[0]


def _unique_slugs(model, bases: list[str], tries: int = 10) -> list[str]:
    """A free slug for each of ``bases`` (``base``, ``base-2``...), distinct from each other.

    Asks the unique slug index about the first ``tries`` candidates of every base
    in one query (a prefix search could not use that index); a base whose
    candidates are all taken asks about the next ten times as many, and so on.
    """
    asked = dict.fromkeys(bases, tries)  # candidates 1..asked[base] are known
    candidates = [_slug_candidate(b, n) for b in set(bases) for n in range(1, tries + 1)]
    taken = set(model.objects.filter(slug__in=candidates).values_list("slug", flat=True))
    chosen = []
    for base in bases:
        n = 1
        while _slug_candidate(base, n) in taken:
            n += 1
            if n > asked[base]:
                more = [_slug_candidate(base, k) for k in range(n, n + 9 * asked[base])]
                taken |= set(model.objects.filter(slug__in=more).values_list("slug", flat=True))
                asked[base] = n + len(more) - 1
        slug = _slug_candidate(base, n)
        taken.add(slug)
        chosen.append(slug)
    return chosen


def _slug_candidate(base: str, n: int) -> str:
    return base if n == 1 else f"{base}-{n}"
