"""Sketches (articles.extraction.similarity): the values stored in ``Shingle`` rows."""

import heapq

from hypothesis import given
from hypothesis import strategies as st

from articles.extraction.similarity import shingle_hash, sketch


@given(st.sets(st.text(max_size=12), max_size=80), st.integers(min_value=0, max_value=20))
def test_a_sketch_is_the_smallest_signed_shingle_hashes(shingle_set, size):
    # sketch() compares digests as bytes; the stored values must be the smallest integers.
    expected = heapq.nsmallest(size, {shingle_hash(s) for s in shingle_set})
    assert sketch(shingle_set, size=size) == expected


def test_a_sketch_mixes_negative_and_positive_hashes():
    shingle_set = {f"shingle {i}" for i in range(40)}
    hashes = sorted(shingle_hash(s) for s in shingle_set)
    assert hashes[0] < 0 < hashes[-1]
    assert sketch(shingle_set, size=40) == hashes
    assert sketch(shingle_set, size=3) == hashes[:3]
