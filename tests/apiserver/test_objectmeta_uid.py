"""UIDs and generated-name suffixes: pooled draws keep the forms and alphabets of single ones."""

from __future__ import annotations

import os
import uuid

from kubepy.apiserver.registry import objectmeta


def test_uuid4_text_matches_stdlib() -> None:
    samples = [bytes(16), b"\xff" * 16, *(os.urandom(16) for _ in range(2000))]
    for raw in samples:
        assert objectmeta.uuid4_text(raw) == str(uuid.UUID(bytes=raw, version=4))


def test_new_uid_is_random_version_4_and_unique_across_refills() -> None:
    uids = [objectmeta.new_uid() for _ in range(3 * objectmeta._UID_BATCH + 7)]
    assert len(set(uids)) == len(uids)
    for u in uids:
        parsed = uuid.UUID(u)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == u


def test_random_suffixes_are_five_alphabet_letters_with_every_letter_used() -> None:
    drawn = [objectmeta.random_suffix() for _ in range(2 * objectmeta._SUFFIX_BATCH + 3)]
    assert all(len(s) == 5 and set(s) <= set(objectmeta._ALPHANUMS) for s in drawn)
    assert set("".join(drawn)) == set(objectmeta._ALPHANUMS)
    assert len(set(drawn)) > len(drawn) - 5  # 27^5 possibilities: repeats are rare
    assert len(objectmeta.random_suffix(8)) == 8


def test_suffix_letters_are_equally_likely_per_random_byte() -> None:
    kept = bytes(range(256)).translate(objectmeta._LETTER_OF, objectmeta._REJECTED).decode()
    assert sorted(set(kept)) == sorted(objectmeta._ALPHANUMS)
    assert all(kept.count(c) == 8 for c in objectmeta._ALPHANUMS)  # 8 byte values per letter
