"""The managedFields walks: which field paths a write added, modified and removed, and which a
create sets (structured-merge-diff's typed.Compare over Go views, and its closed form from an
empty left side).

This file is the pure-Python twin *and* the compiled module: `fieldset_c.py` is a symlink to it and
`fieldset_c.pxd` gives Cython the C types, so the two cannot drift. It knows no schema: the
apply layer (kubepy.apiserver.apply) hands it one `Info` per schema node, linked to the Infos of
the node's children, and the path elements it builds are the shared strings of `FIELD_PES`.
Every kubelet status write and every Event runs these walks; compiled they cost about half.
"""

from __future__ import annotations

from typing import Any

import orjson

LEAF = 0
STRUCT = 1
MAP = 2
SET = 3
ASSOC = 4
#: Info.kind for typed.Node.kind
KIND_CODES = {"leaf": LEAF, "struct": STRUCT, "map": MAP, "set": SET, "assoc": ASSOC}

#: Go's nil: the key is absent (SMD keeps it apart from an explicit JSON null)
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

Path = tuple
#: a trie of path elements; the key "." inside a node marks that node's path as a member
Trie = dict


class Info:
    """What the walks need of a schema node, linked to the Infos below it."""

    def __init__(self, kind: int) -> None:
        self.kind = kind
        self.children = {}  # declared struct fields: name -> Info
        self.other = None  # the Info of any other key: a map's values, a struct's undeclared fields
        self.plan = {}  # by-value struct fields -> their Info, required lists -> None (structs only)
        self.item = None  # the Info of a set's or associative list's items
        self.keys_zero_filled = False  # an item's list-map key is itself a zero-filled field
        #: an item's path element (typed.item_pe), raising ValueError for an item without one
        self.pe_of = None
        #: an item's Go view (compare.with_zero_structs under the item's node)
        self.item_view = None
        #: the one key of an associative list keyed by one field, else None
        self.one_key = None
        #: pe_of's answers for items whose one key holds a string or an integer, by that value
        self.key_pes = {}


# ---- path elements -----------------------------------------------------------------------------
#: "f:" + name, one string per name: the paths of every write are built from the same element
#: objects, so hashing them (a fresh string is hashed once, then remembers it) and comparing them
#: (identity first) in the sets, memo keys and lookups that follow cost little. Field names are
#: few; map keys (labels...) past the cap are built afresh.
FIELD_PES: dict[str, str] = {}
FIELD_PES_MAX = 16384


def field_pe(name: str) -> str:
    pe = FIELD_PES.get(name)
    if pe is None:
        pe = "f:" + name
        if len(FIELD_PES) < FIELD_PES_MAX:
            FIELD_PES[name] = pe
    return pe


# ---- JSON equality -----------------------------------------------------------------------------
def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values that, unlike ==, tells true from 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        if not isinstance(b, dict) or a.keys() != b.keys():
            return False
        for k in a:
            if not json_equal(a[k], b[k]):
                return False
        return True
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return False
        for i in range(len(a)):
            if not json_equal(a[i], b[i]):
                return False
        return True
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and a == b
    return type(a) is type(b) and a == b


def same_json(a: Any, b: Any) -> bool:
    """Two containers with the same JSON (type, key order and all), whose views are then equal:
    `==` turns most unequal pairs away in C, the JSON tells True from 1 where `==` cannot."""
    if type(a) is not type(b) or (type(a) is not dict and type(a) is not list) or a != b:
        return False
    try:
        return orjson.dumps(a) == orjson.dumps(b)
    except TypeError:  # integers beyond 64 bits: walk them
        return False


# ---- a create: everything on one side is added -------------------------------------------------
def added(v: Any, info: Info, path: Path, rt: Trie | None, out: set) -> None:
    """Left side absent: everything on the right is added, this path included."""
    if info.kind != LEAF:
        _children_added(v, info, path, rt, out)
    out.add(path)


def _children_added(v: Any, info: Info, path: Path, rt: Trie | None, out: set) -> bool:
    """Add the children of a container whose left side has none; False when the value is compared
    as a leaf instead (a wrong shape, or an empty or null value)."""
    if isinstance(v, dict):
        if info.item is not None:
            return False  # a map where a list belongs
        plan = info.plan
        if not v and not plan:
            return False
        d = v if type(v) is dict else dict(v)
        children = info.children
        other = info.other
        if rt is None:  # no reset field below: `added` inlined, leaves without a call
            pes = FIELD_PES
            for k, x in d.items():
                pe = pes.get(k)
                p = path + (pe if pe is not None else field_pe(k),)
                sub = children.get(k, other)
                if sub.kind != LEAF:
                    _children_added(x, sub, p, None, out)
                out.add(p)
        else:
            for k, x in d.items():
                _added_child(k, x, children.get(k, other), path, rt, out)
        if plan:
            for k, zero in plan.items():
                if k not in d:
                    _added_child(k, {} if zero is not None else None, children[k], path, rt, out)
        return True
    if info.item is not None and v and isinstance(v, list):
        _items_added(v if type(v) is list else list(v), info, path, rt, out)
        return True
    return False


def _added_child(k: str, x: Any, info: Info, path: Path, rt: Trie | None, out: set) -> None:
    pe = FIELD_PES.get(k)
    if pe is None:
        pe = field_pe(k)
    srt = None
    if rt is not None:
        srt = rt.get(pe)
        if srt is not None and "." in srt:
            return
    added(x, info, path + (pe,), srt, out)


#: values remembered per list in Info.key_pes (a list keyed by IP or UID sees new ones forever)
KEY_PES_MAX = 1024


def _group(items: list, info: Info) -> dict:
    """The items of a list by path element; an item without one is not compared."""
    pe_of = info.pe_of
    view = info.item_view if info.keys_zero_filled else None
    one = info.one_key
    key_pes = info.key_pes
    groups: dict = {}
    for v in items:
        pe = None
        if one is not None and type(v) is dict:
            # a key holding a string or an integer names the item alone, filled view or not
            kv = v.get(one)
            if type(kv) is str or type(kv) is int:
                pe = key_pes.get(kv)
                if pe is None:
                    pe = pe_of(v)
                    if len(key_pes) >= KEY_PES_MAX:
                        del key_pes[next(iter(key_pes))]
                    key_pes[kv] = pe
        if pe is None:
            try:
                pe = pe_of(view(v) if view is not None else v)
            except ValueError:
                continue
        same = groups.get(pe)
        if same is None:
            groups[pe] = [v]
        else:
            same.append(v)
    return groups


def _items_added(items: list, info: Info, path: Path, rt: Trie | None, out: set) -> None:
    inner = info.item
    for pe, vs in _group(items, info).items():
        srt = None
        if rt is not None:
            srt = rt.get(pe)
            if srt is not None and "." in srt:
                continue
        if len(vs) == 1:
            added(vs[0], inner, path + (pe,), srt, out)
        else:
            out.add(path + (pe,))  # duplicates are one added element, not looked into


def created_fields(obj: Any, info: Info, rt: Trie | None) -> set:
    """What `compare(zero struct, view of obj)` adds or modifies under the struct `info`, minus
    every path at or under a member of the reset trie `rt`."""
    out: set = set()
    _template(obj, info, (), rt, out)
    return out


def _template(v: Any, info: Info, path: Path, rt: Trie | None, out: set) -> None:
    """Left side: the zero struct of a STRUCT node; right side: the view of `v`."""
    if v is not None and not isinstance(v, dict):
        out.add(path)  # wrong shape: a modified leaf
        return
    plan = info.plan
    if v is None:
        if not plan:
            out.add(path)  # {} became null
        return  # otherwise only removals
    children = info.children
    other = info.other
    d = v if type(v) is dict else dict(v)
    for k, x in d.items():
        pe = FIELD_PES.get(k)
        if pe is None:
            pe = field_pe(k)
        srt = None
        if rt is not None:
            srt = rt.get(pe)
            if srt is not None and "." in srt:
                continue  # a reset field: nothing at or under it counts
        p = path + (pe,)
        if k in plan:
            sub = plan[k]
            if sub is None:
                _null_list(x, children[k], p, srt, out)
            else:
                _template(x, sub, p, srt, out)
        else:
            added(x, children.get(k, other), p, srt, out)


def _null_list(v: Any, info: Info, path: Path, rt: Trie | None, out: set) -> None:
    """Left side: null (a required list left out); right side: the view of `v`."""
    if info.kind == LEAF:
        if v is not None:
            out.add(path)
        return
    if not _children_added(v, info, path, rt, out) and v is not None:
        out.add(path)


# ---- a create's shape -----------------------------------------------------------------------------
#: no keys to leave out
NO_KEYS: frozenset = frozenset()


def shape_key(d: dict, drop: frozenset, json_key: Any) -> tuple | None:
    """A hashable key equal for two dicts exactly when their skeletons are (what `created_fields`
    reads: keys, nulls, empty containers, which values are dicts, lists or scalars, lists as
    they are), keys in `drop` left out at the top: the keys in order, then each value that is not
    a scalar with its key (a dict's own shape key, None, or a list's `json_key`). None when a
    list has no exact JSON (`json_key` gives None) or a value is a dict or list subclass. Every
    Event's create asks it (kubepy.apiserver.apply.manager.shape_key)."""
    keys = tuple(d) if not drop else tuple([k for k in d if k not in drop])
    out: list = [keys]
    for k, x in d.items():
        t = type(x)
        if t is str or t is int or t is bool or t is float:
            continue
        if drop and k in drop:
            continue
        if t is dict:
            sub = shape_key(x, NO_KEYS, json_key)
            if sub is None:
                return None
            out.append((k, sub))
        elif x is None:
            out.append((k, None))
        elif t is list:
            raw = json_key(x)
            if raw is None:
                return None
            out.append((k, raw))
        elif isinstance(x, (dict, list)):  # subclasses: as the skeleton sees them
            return None
    return tuple(out)


# ---- an update: two Go views compared ----------------------------------------------------------
def compare_views(lhs: Any, rhs: Any, info: Info) -> tuple[set, set, set]:
    """typed.Compare of the Go views of `lhs` and `rhs` (struct fields held by value filled with
    their zero, required lists null), filled only where the walk meets them: the added, modified
    and removed paths."""
    a: set = set()
    m: set = set()
    r: set = set()
    _cmp_view(lhs, rhs, info, (), a, m, r)
    return a, m, r


def _wrong_shape(v: Any, is_dict: bool) -> bool:
    if v is MISSING or v is None:
        return False
    return not isinstance(v, dict) if is_dict else not isinstance(v, list)


def _cmp_view(lhs: Any, rhs: Any, info: Info, path: Path, a: set, m: set, r: set) -> None:
    if lhs is MISSING:
        added(rhs, info, path, None, a)  # everything on the right is added
        return
    if rhs is MISSING:  # the same walk, mirrored: everything on the left is removed
        added(lhs, info, path, None, r)
        return
    kind = info.kind
    if kind == LEAF:  # below a leaf the views are the values themselves
        if not json_equal(lhs, rhs):
            m.add(path)
        return
    is_dict = kind == STRUCT or kind == MAP
    if _wrong_shape(lhs, is_dict) or _wrong_shape(rhs, is_dict):
        # a filled dict equals nothing that is not a dict: the values decide as the views would
        if not json_equal(lhs, rhs):
            m.add(path)
        return
    plan = info.plan if kind == STRUCT else None
    if not lhs and not rhs and not (plan and (lhs is not None or rhs is not None)):
        if not json_equal(lhs, rhs):  # empty or null on both sides (a filled struct is not empty)
            m.add(path)
        return
    if is_dict:  # plain dicts below: a subclass reads as the dict it holds
        lv = lhs if lhs is None or type(lhs) is dict else dict(lhs)
        rv = rhs if rhs is None or type(rhs) is dict else dict(rhs)
        _cmp_members(lv, rv, info, plan, path, a, m, r)
    else:
        _cmp_items(
            lhs if type(lhs) is list else list(lhs or ()),
            rhs if type(rhs) is list else list(rhs or ()),
            info,
            path,
            a,
            m,
            r,
        )


def _cmp_members(
    lv: dict | None, rv: dict | None, info: Info, plan: dict | None, path: Path, a: set, m: set, r: set
) -> None:
    """The members of two dicts (a struct's or a map's): each key of the Go views (the value, the
    zero a struct's field is filled with, or MISSING), skipping equal ones without a call. It
    runs once per key of every object a write touches."""
    children = info.children
    other = info.other
    pes = FIELD_PES
    keys = dict.fromkeys(lv) if lv is not None else {}
    if rv is not None:
        keys.update(dict.fromkeys(rv))
    if plan:
        keys.update(dict.fromkeys(plan))
    for k in keys:
        lc = MISSING if lv is None else lv.get(k, MISSING)
        rc = MISSING if rv is None else rv.get(k, MISSING)
        if plan and k in plan:  # a struct's zero-filled field: {} (filled in turn) or a null list
            zero = plan[k]
            if lc is MISSING and lv is not None:
                lc = None if zero is None else {}
            if rc is MISSING and rv is not None:
                rc = None if zero is None else {}
        if lc is MISSING:
            if rc is not MISSING:
                pe = pes.get(k)
                added(rc, children.get(k, other), path + (pe if pe is not None else field_pe(k),), None, a)
            continue
        if rc is MISSING:
            pe = pes.get(k)
            added(lc, children.get(k, other), path + (pe if pe is not None else field_pe(k),), None, r)
            continue
        t = type(lc)
        if t is type(rc):
            if t is str or t is int or t is float or lc is None:  # not bool: True == 1
                if lc == rc:  # most of a write's leaves: nothing to record, no call to make
                    continue
            elif (t is dict or t is list) and same_json(lc, rc):
                continue  # an untouched subtree: equal views compare to no change
        pe = pes.get(k)
        _cmp_view(lc, rc, children.get(k, other), path + (pe if pe is not None else field_pe(k),), a, m, r)


def _cmp_items(lhs: list, rhs: list, info: Info, path: Path, a: set, m: set, r: set) -> None:
    lmap = _group(lhs, info)
    rmap = _group(rhs, info)
    inner = info.item
    keys = dict.fromkeys(lmap)
    keys.update(dict.fromkeys(rmap))
    for pe in keys:
        ll = lmap.get(pe)
        rl = rmap.get(pe)
        nl = len(ll) if ll is not None else 0
        nr = len(rl) if rl is not None else 0
        p = path + (pe,)
        if nl <= 1 and nr <= 1:
            if not nl:  # added or removed whole
                added(rl[0], inner, p, None, a)
            elif not nr:
                added(ll[0], inner, p, None, r)
            elif not same_json(ll[0], rl[0]):  # else an item left as it was
                _cmp_view(ll[0], rl[0], inner, p, a, m, r)
        elif nl >= 2 and nr >= 2:
            view = info.item_view
            if not json_equal([view(v) for v in ll], [view(v) for v in rl]):
                m.add(p)
        elif nl >= 2:
            if nr:
                added(rl[0], inner, p, None, a)
            r.add(p)
        else:
            if nl:
                added(ll[0], inner, p, None, r)
            a.add(p)


# ---- FieldsV1 ----------------------------------------------------------------------------------
#: where `encode_grouped` puts a head's encoded subtree in its trie (no path element looks so)
SUBTREE = "\0"


def sorted_keys(node: Trie, order: Any) -> list:
    """A trie node's children in PathElement order (`order`: fieldpath.pe_order). Field names
    alone (the usual case) sort as their strings do, since they share the "f:" prefix."""
    keys = [pe for pe in node if pe != "."]
    if len(keys) > 1:
        for pe in keys:
            if not pe.startswith("f:"):
                keys.sort(key=order)
                return keys
        keys.sort()
    return keys


def emit(node: Trie, order: Any, root: bool) -> dict:
    """A trie node's FieldsV1 object: "." first when the node is a member with children (never
    at the root), then its children in PathElement order."""
    out: dict = {}
    if not root and "." in node and len(node) > 1:
        out["."] = {}
    for pe in sorted_keys(node, order):
        sub = node[pe]
        out[pe] = emit(sub, order, False) if len(sub) > ("." in sub) else {}
    return out


def trie_of(fs: Any, skip: int) -> Trie:
    """The trie of the paths of `fs`, each without its first `skip` elements."""
    root: Trie = {}
    for path in fs:
        node = root
        for pe in path[skip:]:
            sub = node.get(pe)
            if sub is None:
                sub = node[pe] = {}
            node = sub
        node["."] = {}
    return root


def encode_grouped(fs: Any, subtree: Any, order: Any) -> dict:
    """The FieldsV1 object of `fs` with each subtree two levels down (`status.conditions`,
    `status.podIPs`) asked of `subtree(paths, member)`, which remembers them: a kubelet's status
    set differs from pod to pod only under podIPs and hostIPs, so the rest is shared."""
    groups: dict = {}
    top: Trie = {}
    for path in fs:
        if len(path) > 2:
            head = path[:2]
            same = groups.get(head)
            if same is None:
                groups[head] = [path]
            else:
                same.append(path)
        else:
            node = top
            for pe in path:
                sub = node.get(pe)
                if sub is None:
                    sub = node[pe] = {}
                node = sub
            node["."] = {}
    for head, paths in groups.items():
        first = top.get(head[0])
        if first is None:
            first = top[head[0]] = {}
        node = first.get(head[1])
        if node is None:
            node = first[head[1]] = {}
        node[SUBTREE] = subtree(frozenset(paths), "." in node)
    out: dict = {}
    for pe in sorted_keys(top, order):
        sub = top[pe]
        if len(sub) == ("." in sub):
            out[pe] = {}
            continue
        level: dict = {".": {}} if "." in sub else {}
        for pe2 in sorted_keys(sub, order):
            node = sub[pe2]
            level[pe2] = node[SUBTREE] if SUBTREE in node else {}
        out[pe] = level
    return out
