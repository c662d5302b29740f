"""Reading input files and extracting them, in this process or in worker processes.

Plain Python (no Django), so worker processes need nothing but this package.
Extraction is pure CPU work and, with new articles written in batches, the
caller's writes are mostly waiting on the database: so a large import extracts
in one worker process per core while the caller writes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from . import extract_from_text
from .decoding import decode_raw
from .similarity import article_sketch
from .types import ExtractedArticle, ExtractionError

# Worker processes pay off only when there is enough work to share.
PARALLEL_MIN_FILES = 64
# How many files a worker may run ahead of the writer: bounds memory whatever N is.
AHEAD_PER_WORKER = 16
# Files handed to a worker process at once. Each hand-over costs both processes pickling
# and bookkeeping (futures, queues, a wake-up), paid once per task: eight files a task
# made the importing process's own CPU about a quarter less (1.42 -> 1.04-1.15 ms an
# article, 3,000 articles into PostgreSQL, bench/import_cpu.py).
FILES_PER_TASK = 8


@dataclass(frozen=True)
class RefusedInput:
    """A path found while walking a folder that is refused unread, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return str(self.path)


@dataclass
class LoadedFile:
    """One input file, read, decoded and extracted (nothing written anywhere)."""

    path: Path
    raw: str  # the file's text as its encoding gives it (only NULs removed)
    content_hash: str
    extracted: ExtractedArticle
    # The headline's and body's MinHash sketch (similarity.py), made here so that a large
    # import computes it in the extraction workers, not in the process that writes.
    sketch: list[int] | None = None

    def __post_init__(self) -> None:
        if self.sketch is None:
            self.sketch = article_sketch(self.extracted)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode cannot be read as an article, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"not a regular file ({kind}), not read"


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """Read a regular file of at most ``max_bytes``, never more than that plus one byte.

    Pipes, devices and sockets are refused before they are opened (a named pipe would
    block the worker, ``/dev/zero`` never ends), and the open file is checked again, so a
    file swapped for one of them in between is refused too. A file that grows past the
    limit while it is read is refused. Raises :class:`ExtractionError` ("no such file",
    "is a folder", "not a regular file (a named pipe), not read", "cannot read: ...",
    "file is N bytes, over the M-byte limit").
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ExtractionError("no such file") from None
    except OSError as exc:
        raise ExtractionError(f"cannot read: {exc.strerror or exc}") from None
    reason = _not_regular(info.st_mode)
    if reason:
        raise ExtractionError(reason)
    if info.st_size > max_bytes:
        raise ExtractionError(f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ExtractionError(f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        reason = _not_regular(os.fstat(fd).st_mode)
        if reason:
            raise ExtractionError(reason)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise ExtractionError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ExtractionError(f"file is over the {max_bytes:,}-byte limit")
    return data


def load_text(raw: str, *, path: Path, content_hash: str) -> LoadedFile:
    """The pipeline's one entry: a file's text in, everything extracted from it out.

    ``raw`` is the file's text as its encoding gives it (:func:`.decoding.decode_raw`, or
    an article's stored raw input); ``path`` names the file (its suffix tells HTML from
    text); ``content_hash`` is the SHA-256 of the file's bytes. Every door goes through
    here: ``import_articles --dry-run --json``, the importer (files and uploads) and the
    admin's "re-run extraction", so each gets the same article. Raises
    :class:`ExtractionError` when the text is no article.
    """
    return LoadedFile(
        path=path,
        raw=raw,
        content_hash=content_hash,
        extracted=extract_from_text(raw, filename=path.name),
    )


def load_file(path: Path, *, max_bytes: int) -> LoadedFile:
    """Read, decode and extract one file. Raises :class:`ExtractionError` with the reason."""
    data = read_file(path, max_bytes=max_bytes)
    raw = decode_raw(data, max_bytes=max_bytes)
    return load_text(raw, path=path, content_hash=hashlib.sha256(data).hexdigest())


def load_bytes(data: bytes, *, name: str, max_bytes: int) -> LoadedFile:
    """Decode and extract a file already read (an upload): as :func:`load_file` does.

    ``name`` is the file's name (its suffix tells HTML from text). Raises
    :class:`ExtractionError` with the reason.
    """
    if len(data) > max_bytes:
        raise ExtractionError(f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    raw = decode_raw(data, max_bytes=max_bytes)
    return load_text(raw, path=Path(name), content_hash=hashlib.sha256(data).hexdigest())


def load_or_error(path: Path | RefusedInput, max_bytes: int) -> LoadedFile | ExtractionError:
    """Like :func:`load_file`, but returns the error instead of raising it."""
    if isinstance(path, RefusedInput):
        return ExtractionError(path.reason)
    try:
        return load_file(path, max_bytes=max_bytes)
    except ExtractionError as exc:
        return exc


def default_workers(n_files: int) -> int:
    """Worker processes for ``n_files``: none for small jobs, else one per core (at most 4).

    Measured on 10,000 articles on two cores (bench/import_bench.py): into
    PostgreSQL 60.2 s with one worker, 49.0 s with two; into SQLite 39.3 s and 28.7 s.
    """
    if n_files < PARALLEL_MIN_FILES:
        return 0
    return max(1, min(os.cpu_count() or 1, 4))


def iter_loaded(
    paths: Iterable[Path | RefusedInput], *, max_bytes: int, workers: int = 0, ahead: int = 0
) -> Iterator[tuple[Path | RefusedInput, LoadedFile | ExtractionError]]:
    """Yield ``(path, LoadedFile or the ExtractionError)`` for each path, in order.

    With ``workers`` > 0 the files are extracted in that many worker processes,
    at most ``ahead`` files (at least ``workers * AHEAD_PER_WORKER``) ahead of the
    consumer, so memory stays flat however many files there are. A consumer that
    takes files in batches should let the workers run a batch ahead, or they wait
    while it writes.
    """
    if workers <= 0:
        for path in paths:
            yield path, load_or_error(path, max_bytes)
        return
    remaining = iter(paths)
    limit = max(ahead, workers * AHEAD_PER_WORKER)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()  # (paths, future of their results), in order
        queued = 0  # files in ``pending``

        def top_up() -> None:
            nonlocal queued
            while queued < limit and (chunk := list(islice(remaining, FILES_PER_TASK))):
                pending.append((chunk, pool.submit(load_all, chunk, max_bytes)))
                queued += len(chunk)

        top_up()
        while pending:
            chunk, future = pending.popleft()
            queued -= len(chunk)
            top_up()
            yield from zip(chunk, future.result(), strict=True)


def load_all(
    paths: list[Path | RefusedInput], max_bytes: int
) -> list[LoadedFile | ExtractionError]:
    """:func:`load_or_error` for each path, in order (one worker task)."""
    return [load_or_error(path, max_bytes) for path in paths]
