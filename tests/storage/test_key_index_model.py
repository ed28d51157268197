"""KeyIndex against a plain model: random puts, removes and spans in any interleaving (pending keys
merged one by one or by a sort) always give the sorted keys under the prefix."""

from __future__ import annotations

import random

import orjson
import pytest

from kubepy.storage.cached import CachedObject
from kubepy.storage.key_index import KeyIndex, under

PREFIXES = ("/registry/core/pods/", "/registry/core/pods/a/", "/registry/core/pods/b", "/registry/", "")


def _obj(key: str) -> CachedObject:
    return CachedObject(key, 1, orjson.dumps({"metadata": {"name": key.rsplit("/", 1)[-1]}}))


@pytest.mark.parametrize("seed", range(6))
def test_random_interleavings_match_the_model(seed: int) -> None:
    rnd = random.Random(seed)
    idx, model = KeyIndex(), set()
    read_every = rnd.choice((1, 7, 300))  # spans between few or many pending keys
    for step in range(3000):
        ns = rnd.choice("ab")
        key = f"/registry/core/{rnd.choice(('pods', 'nodes'))}/{ns}/p{rnd.randrange(400)}"
        if rnd.random() < 0.3 and model:
            gone = rnd.choice(sorted(model))
            assert idx.remove(gone) is not None
            model.discard(gone)
        else:
            idx.put(_obj(key))
            model.add(key)
        if step % read_every == 0:
            prefix = rnd.choice(PREFIXES)
            keys, lo, hi = idx.span(prefix)
            assert keys[lo:hi] == sorted(k for k in model if under(k, prefix))
    assert len(idx) == len(model)
    for prefix in PREFIXES:
        assert idx.count(prefix) == sum(1 for k in model if under(k, prefix))
