"""Pieces the controller kinds share: the status a new object starts with, selector cells and
the wide CONTAINERS / IMAGES / SELECTOR columns of printers.go."""

from __future__ import annotations

from typing import Any

from kubepy.api.labels import SelectorError, from_label_selector
from kubepy.api.resource import Column, Obj
from kubepy.api.resources.cells import format_labels, get
from kubepy.api.resources.core_pod import container_cells
from kubepy.api.schema import Prim, Struct


def zero_status(status: Struct, *always: str) -> Obj:
    """A freshly created object's status: Go writes its non-omitempty integers as 0 (the required
    ones, plus `always`: fields that are optional yet lack omitempty)."""
    names = [n for n, fd in status.fields.items() if fd.required and isinstance(fd.type, Prim)]
    return {n: 0 for n in [*names, *always] if status.fields[n].type.type == "integer"}  # type: ignore[union-attr]


def selector_string(sel: Any, empty: str = "") -> str:
    """LabelSelectorAsSelector(sel).String(); "<invalid>" when it does not convert."""
    try:
        return str(from_label_selector(sel)) or empty
    except SelectorError:
        return "<invalid>"


def format_label_selector(sel: Any) -> str:
    """metav1.FormatLabelSelector: "<none>" for an empty one, "<error>" for a broken one."""
    try:
        return str(from_label_selector(sel)) or "<none>"
    except SelectorError:
        return "<error>"


def wide_columns(*template_path: str, selector=None) -> tuple[Column, ...]:
    """CONTAINERS and IMAGES of the pod template at `template_path`, and SELECTOR if given."""

    def containers(o: Obj) -> list[Obj]:
        return get(o, *template_path, "spec", "containers") or []

    cols = (
        Column(
            "Containers",
            "string",
            lambda o, now: container_cells(containers(o))[0],
            "Names of the containers in the pod template.",
            priority=1,
        ),
        Column(
            "Images",
            "string",
            lambda o, now: container_cells(containers(o))[1],
            "Images of the containers in the pod template.",
            priority=1,
        ),
    )
    if selector is not None:
        cols += (
            Column(
                "Selector",
                "string",
                lambda o, now: selector(o),
                "Label selector of the pods this object manages.",
                priority=1,
            ),
        )
    return cols


def map_selector_cell(o: Obj) -> str:
    return format_labels(get(o, "spec", "selector"))
