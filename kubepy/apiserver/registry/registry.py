"""Every served resource with its store, looked up by URL parts."""

from __future__ import annotations

from dataclasses import dataclass

from kubepy.api.resource import Resource
from kubepy.apiserver.registry.hooks import Hooks
from kubepy.apiserver.registry.store import Store, StoreEnv


@dataclass(frozen=True, slots=True)
class Entry:
    res: Resource
    store: Store


class Registry:
    def __init__(self, resources: tuple[Resource, ...], env: StoreEnv, hooks: dict[str, Hooks] | None = None):
        self.env = env
        self.by_path: dict[tuple[str, str, str], Entry] = {}
        self.by_kind: dict[tuple[str, str], Entry] = {}
        for r in resources:
            e = Entry(r, Store(r, env, (hooks or {}).get(f"{r.group}/{r.plural}")))
            self.by_path[(r.group, r.version, r.plural)] = e
            self.by_kind[(r.group, r.kind)] = e

    def lookup(self, group: str, version: str, plural: str) -> Entry | None:
        return self.by_path.get((group, version, plural))

    def resources(self) -> list[Resource]:
        return [e.res for e in self.by_path.values()]

    def store(self, group: str, plural: str) -> Store:
        for (g, _, p), e in self.by_path.items():
            if g == group and p == plural:
                return e.store
        raise KeyError(f"{group}/{plural}")
