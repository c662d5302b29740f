"""Sketches (articles.extraction.similarity): the values stored in ``Shingle`` rows."""

import hashlib
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


@given(st.sets(st.text(max_size=30), max_size=40))
def test_shingle_hashes_are_signed_blake2b_digests(shingle_set):
    for shingle in shingle_set:
        digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
        assert shingle_hash(shingle) == int.from_bytes(digest, "big", signed=True)


def test_stored_sketch_values_never_change():
    # Shingle rows written by earlier imports are compared with new files' sketches.
    assert shingle_hash("the kremlin said on monday") == -6786778433201285549
    assert shingle_hash("ünïcode “curly” words here too") == 4536455385873981578
    assert sketch({f"shingle {i}" for i in range(5)}, size=3) == [
        -3463537384193153650,
        342424144419548678,
        1287048959239593638,
    ]
