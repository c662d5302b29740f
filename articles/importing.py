"""The import service: files in, Articles, Sources, People and Quotes out.

Called by the ``import_articles`` command (and by anything else that imports:
the admin, tests, benchmarks). Each file is imported in its own transaction,
so a bad file never leaves half an article behind and never stops the others.

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
import re
from collections import ChainMap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles.extraction import (
    SUPPORTED_SUFFIXES,
    ExtractedArticle,
    ExtractedPerson,
    ExtractionError,
)
from articles.extraction.files import LoadedFile, default_workers, iter_loaded, load_or_error
from articles.extraction.people import name_key
from articles.extraction.sources import canonical_org_name, classify_source, domain_of
from articles.models import Article, Mention, Person, PersonVariant, Quote, Source
from articles.signals import invalidate_after_commit, invalidation_deferred

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
CHANGE_REASON = "import"  # how the import's changes are labelled in the admin history

ARTICLE_MACHINE_FIELDS = (
    "headline",
    "body",
    "image_caption",
    "image_credit",
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


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the importable files under ``paths`` (files as given; folders walked, sorted).

    A folder yields only ``.txt``/``.html``/``.htm`` files, so gold or metadata
    files beside the scrapes are left alone. A path that does not exist is
    yielded as it is, and importing it reports the reason.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


class Importer:
    """Imports files one transaction each, remembering people and sources between files.

    The caches hold only rows whose transaction committed, so a failed file
    leaves nothing behind in them either.
    """

    def __init__(
        self, *, publish: bool = False, dry_run: bool = False, max_bytes: int | None = None
    ):
        self.publish = publish
        self.dry_run = dry_run
        self.max_bytes = max_bytes or settings.NEWSROOM_IMPORT_MAX_BYTES
        self._people: dict[str, int] = {}
        self._sources: dict[str, int] = {}
        self._spellings: dict[int, set[str]] = {}

    def import_path(self, path: Path) -> FileResult:
        """Import one file; never raises for bad input (the result says why it failed)."""
        return self.import_loaded(path, load_or_error(path, self.max_bytes))

    def import_paths(self, paths: Iterable[Path], *, workers: int | None = None):
        """Import many files in order, yielding a :class:`FileResult` for each.

        Extraction runs in ``workers`` processes (default: one per spare core for
        a large batch) while this process writes, each file in its own transaction.
        """
        paths = list(paths)
        if workers is None:
            workers = default_workers(len(paths))
        with invalidation_deferred(), _fewer_gc_pauses():
            for path, loaded in iter_loaded(paths, max_bytes=self.max_bytes, workers=workers):
                yield self.import_loaded(path, loaded)

    def import_loaded(self, path: Path, loaded: LoadedFile | ExtractionError) -> FileResult:
        if isinstance(loaded, ExtractionError):
            return FileResult(path=str(path), outcome=FAILED, error=str(loaded))
        return self.import_extracted(
            loaded.extracted,
            raw_text=loaded.raw,
            content_hash=loaded.content_hash,
            source_file=path.name,
            label=str(path),
        )

    def import_extracted(
        self,
        extracted: ExtractedArticle,
        *,
        raw_text: str,
        content_hash: str,
        source_file: str,
        label: str,
    ) -> FileResult:
        """Write one extracted article in its own transaction (rolled back on a dry run)."""
        pending_people: dict[str, int] = {}
        pending_sources: dict[str, int] = {}
        pending_spellings: dict[int, set[str]] = {}
        try:
            with transaction.atomic():
                _relax_durability()
                writer = _ArticleWriter(
                    importer=self,
                    extracted=extracted,
                    raw_text=raw_text,
                    content_hash=content_hash,
                    source_file=source_file,
                    pending_people=pending_people,
                    pending_sources=pending_sources,
                    pending_spellings=pending_spellings,
                )
                result = writer.write(label=label)
                if self.dry_run:
                    transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
            logger.exception("import of %s failed", label)
            return FileResult(
                path=label, outcome=FAILED, error=f"database error: {type(exc).__name__}: {exc}"
            )
        if result.outcome != UNCHANGED and not self.dry_run:
            # Quotes and mentions are written in bulk, which sends no model signals.
            invalidate_after_commit()
        if not self.dry_run:
            self._people.update(pending_people)
            self._sources.update(pending_sources)
            self._spellings.update(pending_spellings)
        return result


class _ArticleWriter:
    """Writes one extracted article and everything hanging off it."""

    def __init__(
        self,
        *,
        importer: Importer,
        extracted: ExtractedArticle,
        raw_text: str,
        content_hash: str,
        source_file: str,
        pending_people: dict[str, int],
        pending_sources: dict[str, int],
        pending_spellings: dict[int, set[str]],
    ):
        self.importer = importer
        self.extracted = extracted
        self.page = extracted.page
        self.raw_text = raw_text
        self.content_hash = content_hash
        self.source_file = source_file
        self.pending_people = pending_people
        self.pending_sources = pending_sources
        self.pending_spellings = pending_spellings
        self.changed = False
        self.created = False
        self.people_created = 0

    # --- the article -------------------------------------------------------------

    def write(self, *, label: str) -> FileResult:
        page = self.page
        url = (page.original_url or page.page_url or "")[:1000]
        article = self._find_existing(url)
        machine = {
            "headline": (page.headline or page.headline_derived or "Untitled")[:500],
            "body": "\n\n".join(p.strip() for p in page.body if p.strip()),
            "image_caption": (page.image_caption or "")[:1000],
            "image_credit": (page.image_credit or "")[:300],
            "byline": (page.byline or "")[:300],
            "url": url,
            "published_at": _midnight(page.published),
            "source_id": self._publisher_id(url),
            "related_links": [{"title": r.title, "url": r.url} for r in page.related],
            "flags": list(page.flags),
        }
        created = self.created = article is None
        if created:
            article = Article(
                slug=_unique(Article, slugify(machine["headline"])[:180].strip("-") or "article"),
                status=Article.Status.DRAFT,
                content_hash=self.content_hash,
            )
            for name, value in machine.items():
                setattr(article, name, value)
            if self.importer.publish:
                article.status = Article.Status.PUBLISHED
                article.published_at = article.published_at or timezone.now()
        else:
            self.changed = self._refresh(article, machine)
        bookkeeping = {
            "raw_input": self.raw_text,
            "content_hash": self.content_hash,
            "source_file": self.source_file[:500],
        }
        for name, value in bookkeeping.items():
            if getattr(article, name) != value:
                setattr(article, name, value)
                self.changed = True
        if created:
            article.extracted = _jsonable(machine)
        if created or self.changed:
            article.imported_at = timezone.now()
            article._change_reason = CHANGE_REASON
            if created:
                # Its history starts before its first change (articles.history).
                article.skip_history_when_saving = True
            article.save()
        people = self._sync_people(article)
        quotes_created = self._sync_quotes(article, people)
        self._link_related(article)
        outcome = CREATED if created else (UPDATED if self.changed else UNCHANGED)
        return FileResult(
            path=label,
            outcome=outcome,
            article_id=article.pk,
            headline=article.headline,
            people_created=self.people_created,
            quotes_created=quotes_created,
        )

    def _find_existing(self, url: str) -> Article | None:
        """The article this file imported before: same original URL, else same content."""
        match = Q(content_hash=self.content_hash)
        if url:
            match |= Q(url=url)
        found = list(Article.objects.filter(match).order_by("pk")[:5])
        return next((a for a in found if url and a.url == url), found[0] if found else None)

    def _refresh(self, obj, machine: dict) -> bool:
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

    # --- sources -------------------------------------------------------------------

    def _publisher_id(self, url: str) -> int | None:
        """The outlet that published the original, by its name and/or its web domain."""
        name = (self.page.source or "").strip()[:200]
        domain = domain_of(url) or ""
        if not name and not domain:
            return None
        key = f"publisher:{name.lower()}|{domain}"
        cached = self.importer._sources.get(key) or self.pending_sources.get(key)
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
        self.pending_sources[key] = source.pk
        return source.pk

    def _source_id(self, name: str, *, kind: str) -> int:
        """An organisation by name (a speaker such as the Kremlin), created when new."""
        name = name.strip()[:200]
        key = name.lower()
        cached = self.importer._sources.get(key) or self.pending_sources.get(key)
        if cached:
            return cached
        source = Source.objects.filter(name__iexact=name).first()
        if source is None:
            source = Source.objects.create(
                name=name, slug=_unique(Source, slugify(name)[:190] or "source"), kind=kind
            )
        self.pending_sources[key] = source.pk
        return source.pk

    # --- people --------------------------------------------------------------------

    def _sync_people(self, article: Article) -> dict[str, int]:
        """Match or create each person; keep mentions in step. Returns name -> person id."""
        people = self.extracted.people
        ids = self._resolve_people(people) if people else {}
        existing = {} if self.created else {m.person_id: m for m in article.mentions.all()}
        wanted: dict[int, str] = {}
        for person in people:
            wanted.setdefault(ids[person.name], (person.role or "")[:300])
        new_mentions = []
        for person_id, role in wanted.items():
            mention = existing.get(person_id)
            if mention is None:
                new_mentions.append(
                    Mention(
                        article=article, person_id=person_id, role=role, extracted={"role": role}
                    )
                )
            elif (
                mention.extracted.get("role", mention.role) == mention.role and mention.role != role
            ):
                mention.role = role
                mention.extracted = {"role": role}
                mention.save(update_fields=["role", "extracted"])
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

    def _resolve_people(self, people: list[ExtractedPerson]) -> dict[str, int]:
        """Map each extracted name to a person id, matching or creating people in bulk."""
        cache = ChainMap(self.pending_people, self.importer._people)
        keys_of = {
            p.name: [k for k in dict.fromkeys(name_key(n) for n in [p.name, *p.aliases]) if k]
            for p in people
        }
        unknown = {k for keys in keys_of.values() for k in keys if k not in cache}
        found = ChainMap(cache, self._lookup_keys(unknown) if unknown else {})
        ids: dict[str, int] = {}
        to_create: dict[str, ExtractedPerson] = {}
        for person in people:
            keys = keys_of[person.name]
            full_keys = [k for k in keys if " " in k] or keys
            pid = next((found[k] for k in full_keys if k in found), None)
            if pid is not None:
                ids[person.name] = pid
            else:
                to_create.setdefault(full_keys[0] if full_keys else person.name, person)
        if to_create:
            created = self._create_people(list(to_create.values()))
            for person in people:
                if person.name not in ids:
                    keys = keys_of[person.name]
                    first = ([k for k in keys if " " in k] or keys or [person.name])[0]
                    ids[person.name] = created[to_create[first].name]
        self._add_variants(people, ids)
        for person in people:
            for key in keys_of[person.name]:
                self.pending_people[key] = ids[person.name]
        return ids

    def _lookup_keys(self, keys: set[str]) -> dict[str, int]:
        """Map name keys to existing people. A one-word key must point to one person only."""
        hits: dict[str, set[int]] = {}
        for pid, key in Person.objects.filter(name_key__in=keys).values_list("pk", "name_key"):
            hits.setdefault(key, set()).add(pid)
        for pid, key in PersonVariant.objects.filter(name_key__in=keys).values_list(
            "person_id", "name_key"
        ):
            hits.setdefault(key, set()).add(pid)
        return {key: min(pids) for key, pids in hits.items() if len(pids) == 1 or " " in key}

    def _create_people(self, people: list[ExtractedPerson]) -> dict[str, int]:
        """Create people in one insert, with free slugs. Returns name -> id."""
        slugs = _unique_slugs(Person, [slugify(p.name)[:190] or "person" for p in people])
        rows = []
        for person, slug in zip(people, slugs, strict=True):
            role = (person.role or "")[:300]
            rows.append(
                Person(
                    name=person.name[:200],
                    name_key=name_key(person.name),
                    slug=slug,
                    role=role,
                    extracted={"name": person.name, "role": role},
                )
            )
        # No history rows yet: articles.history records one before the first change.
        Person.objects.bulk_create(rows)
        for row in rows:
            self.pending_spellings[row.pk] = {row.name.lower()}
        self.people_created += len(rows)
        return {person.name: row.pk for person, row in zip(people, rows, strict=True)}

    def _add_variants(self, people: list[ExtractedPerson], ids: dict[str, int]) -> None:
        """Record each spelling of a name this article uses that its person lacks.

        The spellings of people met earlier in the run are remembered, so only
        people new to this run cost a query.
        """
        known = ChainMap(self.pending_spellings, self.importer._spellings)
        unknown = {pid for pid in ids.values() if pid not in known}
        if unknown:
            fetched: dict[int, set[str]] = {pid: set() for pid in unknown}
            for pid, name in Person.objects.filter(pk__in=unknown).values_list("pk", "name"):
                fetched[pid].add(name.lower())
            for pid, name in PersonVariant.objects.filter(person_id__in=unknown).values_list(
                "person_id", "name"
            ):
                fetched[pid].add(name.lower())
            self.pending_spellings.update(fetched)
        new = []
        for person in people:
            pid = ids[person.name]
            spellings = known[pid]
            for alias in [person.name, *person.aliases]:
                alias = alias.strip()[:200]
                if alias and alias.lower() not in spellings:
                    spellings = self.pending_spellings[pid] = spellings | {alias.lower()}
                    new.append(PersonVariant(person_id=pid, name=alias, name_key=name_key(alias)))
        if new:
            PersonVariant.objects.bulk_create(new)
            self.changed = True

    # --- quotes --------------------------------------------------------------------

    def _sync_quotes(self, article: Article, people: dict[str, int]) -> int:
        existing = [] if self.created else list(article.quotes.all())
        by_text: dict[str, Quote] = {}
        for quote in existing:
            by_text.setdefault(quote.text, quote)
        places = {(q.paragraph, q.start) for q in existing}
        seen: set[int] = set()
        to_create = []
        for eq in self.extracted.quotes:
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
            }
            if eq.speaker and eq.speaker_type == "person":
                machine["speaker_id"] = people.get(eq.speaker) or self._speaker_id(eq.speaker)
            elif eq.speaker and eq.speaker_type == "organization":
                org = canonical_org_name(eq.speaker)
                machine["speaker_organization_id"] = self._source_id(org, kind=classify_source(org))
            quote = by_text.get(eq.text)
            if quote is not None and quote.pk not in seen:
                seen.add(quote.pk)
                if self._refresh(quote, machine):
                    quote._change_reason = CHANGE_REASON
                    quote.save()
                    self.changed = True
                continue
            if (eq.paragraph, eq.start) in places:
                continue  # an editor's quote holds this place
            places.add((eq.paragraph, eq.start))
            to_create.append(Quote(article=article, extracted=_jsonable(machine), **machine))
        if to_create:
            Quote.objects.bulk_create(to_create)  # history: see articles.history
            self.changed = True
        stale = [
            q.pk
            for q in existing
            if q.pk not in seen and q.extracted and _untouched(q, QUOTE_MACHINE_FIELDS)
        ]
        if stale:
            Quote.objects.filter(pk__in=stale).delete()
            self.changed = True
        return len(to_create)

    def _speaker_id(self, name: str) -> int:
        """A speaker the people extractor did not list: match or create them too."""
        ids = self._resolve_people([ExtractedPerson(name=name)])
        return ids[name]

    # --- related articles ----------------------------------------------------------

    def _link_related(self, article: Article) -> None:
        urls = [r.url for r in self.page.related if r.url]
        if not urls:
            return
        found = Article.objects.filter(url__in=urls).exclude(pk=article.pk)
        already = set(article.related.values_list("pk", flat=True))
        new = [a for a in found if a.pk not in already]
        if new:
            article.related.add(*new)
            self.changed = True


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


def _relax_durability() -> None:
    """On PostgreSQL, commit this file's transaction without waiting for the disk.

    A crash may lose the last few files' commits (never half of one: each stays
    atomic), and re-running an import is idempotent, so waiting for a flush after
    every file would only make a large import several times slower.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


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
