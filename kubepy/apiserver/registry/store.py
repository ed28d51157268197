"""The generic store: every cross-cutting semantic of every kind, once (STYLE.md §1).

generateName with retry, namespace checks, system metadata, defaulting, validation, generation,
optimistic concurrency, status subresource separation, graceful deletion and finalizers, dry-run
and managedFields live here; a resource contributes only its declaration and strategy. Reads come
from the watch cache (always current for acknowledged writes); writes go through storage's
guaranteed_update loop.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.decode import canonical_order, decode, strict_message
from kubepy.api.errors import StatusError
from kubepy.api.resource import Context, Resource, Settings
from kubepy.api.validation.meta import validate_object_meta, validate_object_meta_update
from kubepy.apiserver import admission, metrics
from kubepy.apiserver import warnings as warning_recorder
from kubepy.apiserver.apply.typed import json_copy
from kubepy.apiserver.params import (
    EXPIRED_CONTINUE,
    DeleteOptions,
    ListOptions,
    WriteOptions,
    decode_continue,
    encode_continue,
    parse_resource_version,
)
from kubepy.apiserver.registry import create_memo, managed, objectmeta
from kubepy.apiserver.registry.hooks import Hooks
from kubepy.apiserver.registry.predicate import Predicate
from kubepy.apiserver.registry.predicate import build as build_predicate
from kubepy.storage.interface import (
    Compacted,
    FutureRevision,
    KeyExists,
    KeyNotFound,
    PreconditionFailed,
    Preconditions,
    Record,
    Storage,
)
from kubepy.util.duration import rfc3339

Obj = dict[str, Any]


@dataclass
class StoreEnv:
    """What every store shares: storage, the watch cache, the clock and generators."""

    storage: Storage
    cache: Any  # kubepy.storage.cacher.Cacher
    settings: Settings = field(default_factory=Settings)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    uid: Callable[[], str] = objectmeta.new_uid
    suffix: Callable[[], str] = objectmeta.random_suffix
    normalize_quantity: Callable[[Any], str] | None = None
    #: Kubernetes adds orphan/foreground finalizers only when a garbage collector runs.
    garbage_collection: bool = True
    #: admission plugins (kubepy.apiserver.admission), run on every create and update
    admission: list[Any] = field(default_factory=list)
    #: creates of a body seen before are built from its remembered result (registry/create_memo)
    create_memo: bool = True


@dataclass(slots=True)
class WriteResult:
    record: Record | None  # None for dry-run
    body: bytes  # what the client is sent
    warnings: list[str] = field(default_factory=list)
    created: bool = False


@dataclass(slots=True)
class ListPage:
    items: list[bytes]
    revision: int
    continue_token: str = ""
    remaining: int = 0


class StoredView:
    """A stored object seen in the shape of a resource that shares its storage (an
    events.k8s.io Event read from the core Event it is stored as)."""

    __slots__ = ("key", "revision", "obj", "value")

    def __init__(self, key: str, revision: int, obj: Obj) -> None:
        self.key = key
        self.revision = revision
        self.obj = obj
        self.value = _dumps(obj)


class Store:
    def __init__(self, res: Resource, env: StoreEnv, hooks: Hooks | None = None) -> None:
        self.res = res
        self.env = env
        self.hooks = hooks or Hooks()
        self.strategy = res.strategy
        self._memo = create_memo.CreateMemo() if self.strategy.create_memo else None
        self._chain: tuple[Any, ...] | None = None  # env.admission as `_applicable` was chosen from
        self._applicable: tuple[Any, ...] = ()

    def _plugins(self) -> tuple[Any, ...]:
        """The admission plugins that may act on this resource (admission.applicable), chosen
        again whenever env.admission is not the chain they were chosen from."""
        chain = tuple(self.env.admission)
        if chain != self._chain:
            self._applicable = admission.applicable(chain, self.res.group, self.res.plural)
            self._chain = chain
        return self._applicable

    async def _storage(self, op: str, coro: Any) -> Any:
        """Every storage call, timed into etcd_request_duration_seconds as Kubernetes reports."""
        start = time.perf_counter()
        failed = False
        try:
            return await coro
        except BaseException:
            failed = True
            raise
        finally:
            metrics.observe_storage(
                op, self.res.plural, time.perf_counter() - start, group=self.res.group, error=failed
            )

    # ---- shared storage (a resource stored as another) --------------------------------------
    def _view(self, item: Any) -> Any:
        fs = self.res.from_stored
        if item is None or fs is None:
            return item
        return StoredView(item.key, item.revision, fs(item.obj))

    def _out(self, value: bytes) -> bytes:
        """Stored bytes in this resource's shape."""
        fs = self.res.from_stored
        return value if fs is None else _dumps(fs(orjson.loads(value)))

    def stored_predicate(self, pred: Predicate | None) -> Predicate | None:
        """`pred` over this resource's shape, applied to stored objects."""
        fs = self.res.from_stored
        if pred is None or fs is None:
            return pred
        return lambda obj: pred(fs(obj))

    def _stored(self, obj: Obj) -> Obj:
        ts = self.res.to_stored
        return obj if ts is None else ts(obj)

    # ---- keys ------------------------------------------------------------------------------
    def key(self, ns: str, name: str) -> str:
        return self.res.key(ns, name)

    def prefix(self, ns: str) -> str:
        p = self.res.storage_prefix
        return f"{p}{ns}/" if (self.res.namespaced and ns) else p

    def _ctx(self, ns: str, sub: str = "") -> Context:
        return Context(ns, self.env.now(), self.env.settings, sub)

    def _now(self) -> str:
        return rfc3339(self.env.now())

    def _not_found(self, name: str) -> StatusError:
        return fe.not_found_error(self.res.plural, name, self.res.group)

    # ---- reads -----------------------------------------------------------------------------
    async def get(self, ns: str, name: str, rv: str = "") -> Any:
        want = parse_resource_version(rv)
        if want > self.env.cache.revision():
            await self._wait(want)
        item = self._view(self.env.cache.get(self.key(ns, name)))
        if item is None:
            raise self._not_found(name)
        return item

    async def _wait(self, rev: int) -> None:
        try:
            await self.env.cache.wait_for_revision(rev)
        except (FutureRevision, TimeoutError):
            raise StatusError(
                504,
                "Timeout",
                f"Timeout: Too large resource version: {rev}, current: {self.env.cache.revision()}",
                {
                    "causes": [
                        {"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}
                    ],
                    "retryAfterSeconds": 1,
                },
            ) from None

    async def list(self, ns: str, opts: ListOptions) -> ListPage:
        pred, pinned = build_predicate(self.res, opts.label_selector, opts.field_selector)
        pred = self.stored_predicate(pred)
        prefix = self.prefix(ns)
        revision = 0
        start_key = ""
        if opts.continue_token:
            start, revision = decode_continue(opts.continue_token)
            start_key = prefix + start
        else:
            rv = parse_resource_version(opts.resource_version)
            if opts.resource_version_match == "Exact":
                revision = rv
            elif rv > self.env.cache.revision():
                await self._wait(rv)
        if (
            pinned is not None
            and not (opts.limit and opts.continue_token)
            and self.res.namespaced == bool(ns)
        ):
            return self._list_one(prefix + pinned, pred)
        try:
            page = self.env.cache.list(
                prefix, revision=revision, limit=opts.limit, start_key=start_key, predicate=pred
            )
        except Compacted:
            if opts.continue_token:
                raise fe.StatusError(410, "Expired", EXPIRED_CONTINUE) from None
            raise fe.gone(f"too old resource version: {revision} ({self.env.cache.revision()})") from None
        except FutureRevision:
            await self._wait(revision)
            raise
        token = ""
        if page.more and page.items:
            token = encode_continue(page.items[-1].key[len(prefix) :] + "\x00", page.revision)
        return ListPage(
            [self._out(i.value) for i in page.items], page.revision, token, page.remaining if page.more else 0
        )

    def _list_one(self, key: str, pred: Predicate | None) -> ListPage:
        item = self.env.cache.get(key)
        items = [self._out(item.value)] if item is not None and (pred is None or pred(item.obj)) else []
        return ListPage(items, self.env.cache.revision())

    # ---- create ----------------------------------------------------------------------------
    def _check_decoded_body(self, obj: Obj, opts: WriteOptions) -> list[str]:
        """`_check_decoded` for a create or update body: Kubernetes reports a strict-decoding
        refusal like any failure to decode the body ("<Kind> in version ... cannot be handled as
        a <Kind>: strict decoding error: ..."); a patch reports it on its own terms."""
        try:
            return self._check_decoded(obj, opts)
        except StatusError as err:
            if err.code == 400 and err.message.startswith("strict decoding error"):
                raise fe.bad_request(self._cannot_handle(err.message)) from None
            raise

    def _check_decoded(self, obj: Obj, opts: WriteOptions) -> list[str]:
        """Type errors → 400; unknown fields dropped, warned or refused per fieldValidation."""
        msg = self.strategy.decode_error(obj)
        if msg:
            raise fe.bad_request(self._cannot_handle(msg))
        res = decode(obj, self.res.schema, self.env.normalize_quantity)
        if res.type_error:
            raise fe.bad_request(self._cannot_handle(res.type_error))
        if res.unknown and opts.field_validation == "Strict":
            raise fe.bad_request(strict_message(res.unknown))
        if res.unknown and opts.field_validation in ("", "Warn"):
            found = [f'unknown field "{p}"' for p in res.unknown]
            for w in found:
                warning_recorder.add(w)
            return found
        return []

    def _cannot_handle(self, msg: str) -> str:
        k = self.res.kind
        return f'{k} in version "{self.res.version}" cannot be handled as a {k}: {msg}'

    def _admission(
        self, op: str, ns: str, obj: Obj, old: Obj | None, sub: str, opts: WriteOptions
    ) -> admission.Attributes:
        """What the admission plugins see of this write (they run between defaulting and
        validation, and after validation)."""
        r = self.res
        return admission.Attributes(op, r.plural, r.group, ns, obj, old, sub, bool(opts.dry_run))

    def _invalid(self, name: str, errs: list[fe.FieldError]) -> StatusError:
        return fe.invalid_error(self.res.kind, name, errs, self.res.group)

    async def create(
        self,
        ns: str,
        obj: Obj,
        opts: WriteOptions,
        manager: str,
        *,
        trusted: bool = False,
        applied: bool = False,
        raw: bytes | None = None,
    ) -> WriteResult:
        """`trusted`: written by the apiserver itself (its own loopback Endpoints), so the
        strategy's validation, meant for clients, is skipped. A body created twice before (a
        controller's pods) is built from the last result (`_create_remembered`). `raw`: the
        request's JSON `obj` was decoded from, for `create_known` to find next time."""
        url_ns = ns
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise fe.bad_request(self._cannot_handle("json: cannot unmarshal into Go struct field .metadata"))
        if self.res.namespaced:
            body_ns = meta.get("namespace") or ""
            if body_ns and ns and body_ns != ns:
                raise fe.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            ns = ns or body_ns
        if meta.get("resourceVersion"):
            # etcd3's store refuses it with a plain error, which the apiserver answers as a 500
            # with no reason (ErrorToAPIStatus's fallback)
            raise StatusError(500, "", "resourceVersion should not be set on objects to be created")
        attrs = self._admission(admission.CREATE, ns, obj, None, "", opts)
        key = None if trusted or applied else self._memo_key(ns, obj, opts, manager, attrs)
        keep = False
        if key is not None:
            assert self._memo is not None
            rem = self._memo.get(key)
            if rem is not None:
                if raw is not None and rem.base is not None:  # a generated name: bytes repeat
                    self._memo.note(_raw_key(url_ns, raw, opts, manager), key)
                return await self._create_remembered(rem, key.admission, ns, meta, attrs)
            keep = self._memo.worth_keeping(key)
        warnings = self._check_decoded_body(obj, opts)
        decoded = len(warnings)  # the decoding's own, before the strategy's
        obj["apiVersion"], obj["kind"] = self.res.api_version, self.res.kind
        self.strategy.default(obj)
        # Kubernetes records the manager's fields before admission: what plugins add is no one's
        requested = None
        if not (trusted or applied) and admission.may_mutate(self._plugins(), attrs):
            requested = json_copy(obj)
        if not trusted:
            admission.admit(self._plugins(), attrs)
        if requested == obj:
            requested = None
        ctx = self._ctx(ns)
        now = rfc3339(ctx.now)  # one clock reading per write: creationTimestamp and managedFields agree
        uid = self.env.uid()
        objectmeta.fill_create(meta, uid=uid, now=now, namespace=ns, namespaced=self.res.namespaced)
        if self.strategy.tracks_generation:
            meta["generation"] = 1
        else:
            meta.pop("generation", None)
        self.strategy.prepare_for_create(obj, ctx)
        # A retry with another generated name starts again from the object as it is now; the
        # first attempt needs no copy of its own, and a retry is rare: keep the JSON to decode.
        base_raw = None
        base = None
        if meta.get("generateName") and not meta.get("name"):
            base_raw, base = _snapshot(obj)
            keep = keep and base_raw is not None
        attempts = objectmeta.GENERATE_NAME_RETRIES if base is not None else 1
        checked: Obj | None = None
        for attempt in range(attempts):
            if base is not None:
                if attempt:
                    obj = base()
                    meta = obj["metadata"]
                    attrs.memo.clear()  # storage was awaited: look again
                meta["name"] = objectmeta.generate_name(meta["generateName"], self.env.suffix)
            if keep and not attempt:
                checked = meta.copy()
            errs = validate_object_meta(meta, self.res.namespaced, self.res.name_rule)
            if not trusted:
                errs += self.strategy.validate(obj, ctx)
            if errs:
                raise self._invalid(meta.get("name") or meta.get("generateName", ""), errs)
            if not trusted:
                attrs.obj = obj
                admission.validate(self._plugins(), attrs)
            self.strategy.canonicalize(obj)
            for w in self.strategy.warnings(obj, None):
                warnings.append(w)
                warning_recorder.add(w)
            rollback = self.hooks.before_create(obj, opts.dry_run)
            if not applied:  # server-side apply already recorded its own ownership
                obj = managed.on_create(self, obj, manager, now, requested)
            # holds its place in field order (non-empty, or omitempty drops it); storage stamps it
            obj["metadata"]["resourceVersion"] = "0"
            obj = canonical_order(obj, self.res.schema, to_encode=True)  # from here on only encoded
            if opts.dry_run:
                if self.env.cache.get(self.key(ns, meta["name"])) is not None:
                    rollback()
                    raise fe.already_exists(self.res.plural, meta["name"], self.res.group)
                rollback()
                del obj["metadata"]["resourceVersion"]
                return WriteResult(None, _dumps(obj), warnings, True)
            try:
                rec = await self._storage(
                    "create", self.env.storage.create(self.key(ns, meta["name"]), self._stored(obj))
                )
            except KeyExists:
                rollback()
                if attempt + 1 < attempts:
                    continue
                raise fe.already_exists(self.res.plural, meta["name"], self.res.group) from None
            except BaseException:
                rollback()
                raise
            if checked is not None and not attempt:  # kept only from a first attempt
                rem = create_memo.remembered(
                    obj, checked, warnings[:decoded], base_raw, name=meta["name"], uid=uid, now=now
                )
                if rem is not None and key is not None and self._memo is not None:
                    self._memo.keep(key, rem)
            return WriteResult(rec, self._out(rec.value), warnings, True)
        raise AssertionError("unreachable")

    def _memo_key(
        self, ns: str, obj: Obj, opts: WriteOptions, manager: str, attrs: Any
    ) -> create_memo.Key | None:
        """The create memo's key for this body, or None when it may not be answered from memory:
        a kind or store that does not take part, a dry run (rare: not worth a key), a body
        without exact JSON, or admission reading what has no key (create_memo)."""
        if self._memo is None or opts.dry_run or not self.env.create_memo:
            return None
        if getattr(self.hooks.before_create, "__func__", None) is not Hooks.before_create:
            return None
        body = create_memo.body_key(obj)
        if body is None:
            return None
        state = admission.memo_state(self._plugins(), attrs)
        if state is None:
            return None
        return create_memo.Key(ns, manager, _memo_options(opts), state, body)

    def known(self, ns: str, raw: bytes, opts: WriteOptions, manager: str) -> create_memo.Key | None:
        """The memo's key for a create request of exactly these JSON bytes, when one like it
        was answered from memory before (`create_known` then answers it without decoding)."""
        if self._memo is None or opts.dry_run or not self.env.create_memo:
            return None
        return self._memo.key_of(_raw_key(ns, raw, opts, manager))

    def create_known(self, key: create_memo.Key, opts: WriteOptions) -> Awaitable[WriteResult] | None:
        """`create` for a request `known` found (its body, decoded and checked as before, gave
        `key`), to await. None (nothing done) when admission now reads something else or the
        result is no longer remembered: then the request takes the full path."""
        assert self._memo is not None
        rem = self._memo.get(key)
        if rem is None or rem.base is None:
            return None
        # memo_state reads what admission depends on besides the object: no object needed yet
        attrs = self._admission(admission.CREATE, key.namespace, {}, None, "", opts)
        state = admission.memo_state(self._plugins(), attrs)
        if state != key.admission:
            return None
        return self._create_remembered(rem, state, key.namespace, {}, attrs)

    async def _create_remembered(
        self, rem: create_memo.Remembered, state: Any, ns: str, body_meta: Obj, attrs: Any
    ) -> WriteResult:
        """`create` for a body whose result is remembered: the decoding's warnings again, then
        per attempt what reads the name (metadata validation, the strategy's warnings) and the
        object built for this name, uid and clock reading. A generateName retry follows an
        await: admission's validating phase runs again, as in `create`, unless what it reads
        is unchanged (then it passes again)."""
        warnings = list(rem.warnings)
        for w in warnings:
            warning_recorder.add(w)
        now = rfc3339(self.env.now())
        uid = self.env.uid()
        generated = rem.base is not None
        attempts = objectmeta.GENERATE_NAME_RETRIES if generated else 1
        for attempt in range(attempts):
            if generated:
                name = objectmeta.generate_name(rem.obj["metadata"]["generateName"], self.env.suffix)
            else:
                name = body_meta["name"]
            meta = create_memo.checked_meta(rem, name, uid, now)
            errs = validate_object_meta(meta, self.res.namespaced, self.res.name_rule)
            if errs:
                raise self._invalid(name, errs)
            if attempt:
                attrs.memo.clear()  # storage was awaited: look again
                if admission.memo_state(self._plugins(), attrs) != state:
                    assert rem.base is not None
                    attrs.obj = create_memo.named_base(rem.base, name, uid, now)
                    admission.validate(self._plugins(), attrs)
            obj = create_memo.build(rem, name, uid, now)
            for w in self.strategy.warnings(obj, None):
                warnings.append(w)
                warning_recorder.add(w)
            try:
                rec = await self._storage(
                    "create", self.env.storage.create(self.key(ns, name), self._stored(obj))
                )
            except KeyExists:
                if attempt + 1 < attempts:
                    continue
                raise fe.already_exists(self.res.plural, name, self.res.group) from None
            return WriteResult(rec, self._out(rec.value), warnings, True)
        raise AssertionError("unreachable")

    # ---- update ----------------------------------------------------------------------------
    async def update(
        self,
        ns: str,
        name: str,
        mutate: Callable[[Obj | None], Obj],
        opts: WriteOptions,
        manager: str,
        *,
        subresource: str = "",
        decoded_warnings: list[str] | None = None,
        create_allowed: bool | None = None,
        apply: bool = False,
    ) -> WriteResult:
        """Read-modify-write: `mutate(current)` gives the object the client wants (PUT body,
        patched object, apply result); None current means it does not exist."""
        key = self.key(ns, name)
        warnings: list[str] = list(decoded_warnings or [])
        can_create = self.strategy.allow_create_on_update if create_allowed is None else create_allowed
        current = self.env.cache.get(key)
        if current is None:
            if not can_create or subresource:
                raise self._not_found(name)
            obj = mutate(None)
            res = await self.create(ns, obj, opts, manager, applied=apply)
            res.warnings[:0] = warnings
            return res
        rollbacks: list[Callable[[], None]] = []
        written: list[Obj] = []  # what the last attempt handed storage to write

        def try_update(stored: Obj) -> Obj:
            for rb in rollbacks:
                rb()
            rollbacks.clear()
            fs = self.res.from_stored
            old = fs(stored) if fs else stored
            new = mutate(old)
            out = self._prepare_update(
                new, old, ns, name, opts, manager, subresource, warnings, apply, rollbacks
            )
            written[:] = [stored if out is old else self._stored(out)]
            return written[0]  # an unchanged object writes nothing

        if opts.dry_run:
            new = try_update(json_copy(current.obj))
            for rb in rollbacks:
                rb()
            new["metadata"]["resourceVersion"] = str(current.revision)
            if self.res.from_stored:
                new = self.res.from_stored(new)
            return WriteResult(None, _dumps(new), warnings)
        try:
            # from the cached copy (a stale one costs a retry); try_update gives back what it was
            # handed exactly when nothing changed
            update = self.env.storage.guaranteed_update(
                key, try_update, cached=current.record(), decided=True
            )
            rec = await self._storage("update", update)
        except KeyNotFound:
            for rb in rollbacks:
                rb()
            raise self._not_found(name) from None
        except BaseException:
            for rb in rollbacks:
                rb()
            raise
        # what storage holds is what the last attempt wrote (or left): only an object being
        # deleted is read back from its bytes, for the check that may finish the deletion
        last = written[-1] if written else rec.obj()
        if _deleting(last) and self._should_delete_during_update(after := rec.obj()):
            try:
                rec = await self._storage(
                    "delete", self.env.storage.delete(key, Preconditions(resource_version=str(rec.revision)))
                )
                self.hooks.after_delete(after)
            except (KeyNotFound, PreconditionFailed):
                pass
        return WriteResult(rec, self._out(rec.value), warnings)

    def _prepare_update(
        self,
        new: Obj,
        old: Obj,
        ns: str,
        name: str,
        opts: WriteOptions,
        manager: str,
        subresource: str,
        warnings: list[str],
        apply: bool,
        rollbacks: list[Callable[[], None]],
    ) -> Obj:
        meta = new.get("metadata")
        if not isinstance(meta, dict):
            meta = new["metadata"] = {}
        old_meta = old.get("metadata") or {}
        if meta.get("name") and meta["name"] != name:
            raise fe.bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL ({name})"
            )
        meta["name"] = name
        if self.res.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise fe.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        rv = meta.get("resourceVersion") or ""
        if rv:
            if rv != old_meta.get("resourceVersion"):
                raise fe.conflict(self.res.plural, name, group=self.res.group)
        elif not self.strategy.allow_unconditional_update and not apply:
            raise self._invalid(
                name, [fe.invalid("metadata.resourceVersion", 0, "must be specified for an update")]
            )
        uid = meta.get("uid")
        if uid and uid != old_meta.get("uid"):
            raise fe.conflict(
                self.res.plural,
                name,
                f"Precondition failed: UID in precondition: {uid}, UID in object meta: {old_meta.get('uid')}",
                self.res.group,
            )
        new["apiVersion"], new["kind"] = self.res.api_version, self.res.kind
        self.strategy.default(new)
        attrs = self._admission(admission.UPDATE, ns, new, old, subresource, opts)
        admission.admit(self._plugins(), attrs)
        objectmeta.fill_update(meta, old_meta)
        ctx = self._ctx(ns, subresource)
        if subresource == "status":
            self.strategy.prepare_for_status_update(new, old, ctx)
            errs = self.strategy.validate_status_update(new, old, ctx)
        else:
            self.strategy.prepare_for_update(new, old, ctx)
            if self.strategy.tracks_generation and objectmeta.spec_changed(new, old):
                meta = new["metadata"]
                meta["generation"] = int(old_meta.get("generation") or 0) + 1
            errs = validate_object_meta_update(new["metadata"], old_meta)
            errs += self.strategy.validate_update(new, old, ctx)
        if errs:
            raise self._invalid(name, errs)
        admission.validate(self._plugins(), attrs)
        self.strategy.canonicalize(new)
        for w in self.strategy.warnings(new, old):
            warnings.append(w)
            warning_recorder.add(w)
        # the base Hooks' before_update does nothing: no need to ask whether anything changed
        hooked = type(self.hooks).before_update is not Hooks.before_update
        if hooked and not objectmeta.semantically_equal(new, old):
            rollbacks.append(self.hooks.before_update(new, old, opts.dry_run))
        if not apply:
            new = managed.on_update(self, old, new, manager, subresource, rfc3339(ctx.now))
        new = canonical_order(new, self.res.schema, shared=True)  # only compared and encoded from here
        new["metadata"]["resourceVersion"] = old_meta.get("resourceVersion", "")
        if objectmeta.semantically_equal(new, old):
            return old  # no-op: storage writes nothing, the revision stays
        return new

    def _should_delete_during_update(self, obj: Obj) -> bool:
        meta = obj.get("metadata") or {}
        if not meta.get("deletionTimestamp"):
            return False
        if self.strategy.has_pending_finalizers(obj):
            return False
        return not meta.get("deletionGracePeriodSeconds")

    # ---- delete ----------------------------------------------------------------------------
    async def delete(self, ns: str, name: str, opts: DeleteOptions) -> tuple[int, bytes]:
        key = self.key(ns, name)
        current = self._view(self.env.cache.get(key))
        if current is None:
            raise self._not_found(name)
        obj = json_copy(current.obj)
        self._check_preconditions(obj, opts, name)
        meta = obj["metadata"]
        requested = opts.grace_period_seconds
        grace = self.strategy.grace_period(obj, requested)
        already = bool(meta.get("deletionTimestamp"))
        finalizers = self._deletion_finalizers(meta.get("finalizers") or [], opts)
        keep = bool(finalizers) or self.strategy.has_pending_finalizers(
            {**obj, "metadata": {**meta, "finalizers": finalizers}}
        )
        if grace > 0 or keep:
            return await self._mark_deleting(ns, name, obj, grace, finalizers, already, opts)
        if opts.dry_run:
            return 200, self._deleted_body(obj, current.value)
        pre = Preconditions(uid=opts.precondition_uid, resource_version=opts.precondition_rv)
        try:
            rec = await self._storage("delete", self.env.storage.delete(key, pre))
        except KeyNotFound:
            raise self._not_found(name) from None
        except PreconditionFailed as e:
            raise self._precondition_conflict(name, e.field, e.expected, e.actual) from None
        self.hooks.after_delete(obj)
        value = self._out(rec.value)
        return 200, self._deleted_body(orjson.loads(value), value)

    def _deleted_body(self, obj: Obj, value: bytes) -> bytes:
        if self.strategy.return_deleted_object:
            return value
        meta = obj.get("metadata") or {}
        details: dict[str, Any] = {"name": meta.get("name", "")}
        if self.res.group:
            details["group"] = self.res.group
        details["kind"] = self.res.plural
        details["uid"] = meta.get("uid", "")
        return _dumps(
            {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
        )

    def _check_preconditions(self, obj: Obj, opts: DeleteOptions, name: str) -> None:
        meta = obj["metadata"]
        if opts.precondition_uid is not None and opts.precondition_uid != meta.get("uid"):
            raise self._precondition_conflict(name, "uid", opts.precondition_uid, meta.get("uid", ""))
        if opts.precondition_rv is not None and opts.precondition_rv != meta.get("resourceVersion"):
            raise self._precondition_conflict(
                name, "resourceVersion", opts.precondition_rv, meta.get("resourceVersion", "")
            )

    def _precondition_conflict(self, name: str, fld: str, expected: str, actual: str) -> StatusError:
        if fld == "uid":
            msg = f"Precondition failed: UID in precondition: {expected}, UID in object meta: {actual}"
        else:
            msg = (
                f"Precondition failed: ResourceVersion in precondition: {expected}, "
                f"ResourceVersion in object meta: {actual}"
            )
        return fe.conflict(self.res.plural, name, msg, self.res.group)

    def _deletion_finalizers(self, finalizers: list[str], opts: DeleteOptions) -> list[str]:
        """Orphan/foreground finalizers, added only when a garbage collector would honour them."""
        out = list(finalizers)
        if not self.env.garbage_collection:
            return out
        policy = opts.propagation_policy
        if not policy and opts.orphan_dependents is not None:
            policy = "Orphan" if opts.orphan_dependents else "Background"
        wanted = {"Orphan": "orphan", "Foreground": "foregroundDeletion"}.get(policy)
        if policy:
            out = [f for f in out if f not in ("orphan", "foregroundDeletion")]
        if wanted:
            out.append(wanted)
        return out

    async def _mark_deleting(
        self,
        ns: str,
        name: str,
        obj: Obj,
        grace: int,
        finalizers: list[str],
        already: bool,
        opts: DeleteOptions,
    ) -> tuple[int, bytes]:
        now = self.env.now()

        def mark(cur: Obj) -> Obj:
            new = json_copy(cur)
            meta = new["metadata"]
            if opts.precondition_uid is not None and opts.precondition_uid != meta.get("uid"):
                raise self._precondition_conflict(name, "uid", opts.precondition_uid, meta.get("uid", ""))
            cur_grace = meta.get("deletionGracePeriodSeconds")
            if not meta.get("deletionTimestamp") or (cur_grace is not None and grace < cur_grace):
                meta["deletionTimestamp"] = rfc3339(now + timedelta(seconds=grace))
                meta["deletionGracePeriodSeconds"] = grace
            meta["finalizers"] = finalizers
            if not finalizers:
                meta.pop("finalizers", None)
            self.strategy.begin_deletion(new, self._ctx(ns))
            # the fields set above go where Go's encoder writes them, as on every other write
            return canonical_order(new, self.res.schema, shared=True)

        if opts.dry_run:
            return 200, _dumps(mark(obj))
        try:
            rec = await self._storage("update", self.env.storage.guaranteed_update(self.key(ns, name), mark))
        except KeyNotFound:
            raise self._not_found(name) from None
        code = 202 if opts.orphan_dependents is False else 200
        return code, self._out(rec.value)

    async def delete_collection(self, ns: str, lopts: ListOptions, dopts: DeleteOptions) -> ListPage:
        page = await self.list(ns, ListOptions(lopts.label_selector, lopts.field_selector))
        out: list[bytes] = []
        for raw in page.items:
            name = orjson.loads(raw)["metadata"]["name"]
            try:
                _, body = await self.delete(ns, name, dopts)
            except StatusError as e:
                if e.code == 404:
                    continue
                raise
            out.append(raw if body.startswith(b'{"kind":"Status"') else body)
        return ListPage(out, self.env.cache.revision())


def _memo_options(opts: WriteOptions) -> tuple[str, bool]:
    """What of a write's options a remembered create depends on."""
    return (opts.field_validation, opts.force)


def _raw_key(ns: str, raw: bytes, opts: WriteOptions, manager: str) -> create_memo.RawKey:
    """The create memo's key for a request as it came (the URL's namespace, its JSON bytes)."""
    return create_memo.RawKey(ns, manager, _memo_options(opts), raw)


def _deleting(obj: Obj) -> bool:
    meta = obj.get("metadata")
    return isinstance(meta, dict) and bool(meta.get("deletionTimestamp"))


def _dumps(obj: Obj) -> bytes:
    return orjson.dumps(obj)


def _snapshot(obj: Obj) -> tuple[bytes | None, Callable[[], Obj]]:
    """A way back to `obj` as it is now, for a rare retry: its JSON (far cheaper to take than a
    copy), or a copy when orjson cannot write it (integers beyond 64 bits); and that JSON."""
    try:
        raw = orjson.dumps(obj)
    except TypeError:
        kept = json_copy(obj)
        return None, lambda: json_copy(kept)
    return raw, lambda: orjson.loads(raw)
