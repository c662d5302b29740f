"""Extraction in worker processes (articles.extraction.files.iter_loaded): every file's
result in order, a few files per task, and never far ahead of the consumer."""

import math
from concurrent.futures import Future
from pathlib import Path

from articles.extraction import ExtractionError
from articles.extraction import files as files_module
from articles.extraction.files import FILES_PER_TASK, RefusedInput, iter_loaded

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def inputs(tmp_path, n):
    """``n`` paths: seed files, with an empty file, a missing one and a refused one among them."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    odd = [empty, tmp_path / "missing.txt", RefusedInput(tmp_path / "link.txt", "a link")]
    paths = [SEEDS[i % len(SEEDS)] for i in range(n - len(odd))]
    for k, path in enumerate(odd):
        paths.insert(3 + 5 * k, path)
    return paths


def outcome(loaded):
    if isinstance(loaded, ExtractionError):
        return ("error", str(loaded))
    return (loaded.content_hash, loaded.extracted.page.headline, loaded.sketch)


def test_workers_yield_each_files_own_result_in_order(tmp_path):
    paths = inputs(tmp_path, 2 * FILES_PER_TASK + 5)
    alone = [(p, outcome(r)) for p, r in iter_loaded(paths, max_bytes=10**6)]
    shared = [(p, outcome(r)) for p, r in iter_loaded(paths, max_bytes=10**6, workers=2)]
    assert shared == alone
    assert [p for p, _ in shared] == paths
    assert sum(o[0] == "error" for _, o in shared) == 3


class CountingPool:
    """Runs tasks at once in this process and counts them and the files they carry."""

    def __init__(self, max_workers):
        self.tasks = []
        CountingPool.last = self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, func, chunk, *args):
        self.tasks.append(len(chunk))
        future = Future()
        future.set_result(func(chunk, *args))
        return future


def test_files_go_to_the_workers_a_few_per_task_and_a_bounded_way_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr(files_module, "ProcessPoolExecutor", CountingPool)
    paths = inputs(tmp_path, 100)
    ahead = 5 * FILES_PER_TASK  # more than two workers' least allowance
    consumed = 0
    for _ in iter_loaded(paths, max_bytes=10**6, workers=2, ahead=ahead):
        consumed += 1
        # Files handed out but not yet taken: the allowance, the task being taken and at
        # most one task more.
        assert sum(CountingPool.last.tasks) - consumed < ahead + 2 * FILES_PER_TASK
    assert consumed == len(paths)
    assert len(CountingPool.last.tasks) == math.ceil(len(paths) / FILES_PER_TASK)
    assert set(CountingPool.last.tasks[:-1]) == {FILES_PER_TASK}
