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


@pytest.mark.parametrize("seed", range(4))
def test_load_builds_the_index_puts_would(seed: int) -> None:
    """Bulk load of sorted objects, keys of every depth (short keys share a bucket with deeper
    ones' prefixes), then the same reads and writes as an index built by puts."""
    rnd = random.Random(seed)
    parts = ("a", "b", "pods", "ns", "x")
    keys = {
        "/registry/" + "/".join(rnd.choice(parts) for _ in range(rnd.randrange(1, 5))) for _ in range(400)
    }
    loaded, put = KeyIndex(), KeyIndex()
    loaded.load([_obj(k) for k in sorted(keys)])
    for k in rnd.sample(sorted(keys), len(keys)):
        put.put(_obj(k))
    for prefix in {*PREFIXES, *(k.rsplit("/", 1)[0] + "/" for k in keys), *keys}:
        got, lo, hi = loaded.span(prefix)
        want, wlo, whi = put.span(prefix)
        assert got[lo:hi] == want[wlo:whi] == sorted(k for k in keys if under(k, prefix))
    victim = rnd.choice(sorted(keys))
    assert loaded.remove(victim) is not None and put.remove(victim) is not None
    loaded.put(_obj("/registry/a/b/new"))
    put.put(_obj("/registry/a/b/new"))
    assert loaded.span("/registry/")[0] == put.span("/registry/")[0]
    with pytest.raises(ValueError):
        loaded.load([])
