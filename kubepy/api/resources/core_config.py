"""Secret and ConfigMap (core/v1): named bags of data that pods consume as files or variables.

Secret values are base64 on the wire (Go []byte); stringData is a write-only convenience merged
into data on every write. Both may be frozen with `immutable: true`.
"""

from __future__ import annotations

import base64
import json

from kubepy.api.errors import FieldError, invalid, required, too_long
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, get
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import BOOL, BYTES, STRING, f, map_of
from kubepy.api.validation.base64go import base64_error, decoded_len
from kubepy.api.validation.common import immutable, immutable_when_set, is_config_key

CORE = "io.k8s.api.core.v1."
MAX_SECRET_SIZE = 1024 * 1024
SA_NAME_ANNOTATION = "kubernetes.io/service-account.name"
REDACTED = "<secret contents redacted>"

Secret = kind_struct(
    CORE + "Secret",
    "Sensitive data (passwords, tokens, keys) for pods, stored apart from their specs.",
    "",
    "v1",
    "Secret",
    extra={
        "data": f(map_of(BYTES), "Secret values by key, base64 encoded; keys are config keys.", proto=2),
        "stringData": f(map_of(STRING), "Write-only plain-text values, merged into data on write.", proto=4),
        "type": f(STRING, "What the secret holds; decides which keys it needs. Opaque by default.", proto=3),
        "immutable": f(BOOL, "When true, data can no longer change.", proto=5, pointer=True),
    },
)

ConfigMap = kind_struct(
    CORE + "ConfigMap",
    "Non-confidential configuration data for pods.",
    "",
    "v1",
    "ConfigMap",
    extra={
        "data": f(map_of(STRING), "UTF-8 values by key.", proto=2),
        "binaryData": f(map_of(BYTES), "Binary values by key, base64 encoded.", proto=3),
        "immutable": f(BOOL, "When true, data and binaryData can no longer change.", proto=4, pointer=True),
    },
)


def _base64_problem(values: object) -> str | None:
    if not isinstance(values, dict):
        return None
    for v in values.values():
        if isinstance(v, str):
            err = base64_error(v)
            if err:
                return err
    return None


def _size(values: dict | None, encoded: bool) -> int:
    total = 0
    for v in (values or {}).values():
        if v is None:
            continue
        total += decoded_len(v) if encoded else len(v.encode())
    return total


def _validate_keys(path: str, values: dict | None) -> list[FieldError]:
    errs: list[FieldError] = []
    for k in values or {}:
        errs += [invalid(f"{path}[{k}]", k, m) for m in is_config_key(k)]
    return errs


def _json_problem(value: str | None) -> str | None:
    """json.Unmarshal into a map: Go's message when the payload is not a JSON object."""
    raw = base64.b64decode(value or "")
    try:
        parsed = json.loads(raw or b"null")
    except ValueError:
        return "invalid character in JSON input"
    if parsed is not None and not isinstance(parsed, dict):
        return (
            f"json: cannot unmarshal {_go_json_type(parsed)} into Go value of type map[string]interface {{}}"
        )
    return None


def _go_json_type(v: object) -> str:
    return {str: "string", bool: "bool", int: "number", float: "number", list: "array"}.get(type(v), "value")


def validate_secret(secret: Obj) -> list[FieldError]:
    """ValidateSecret without ObjectMeta: keys, total size, and what each type requires."""
    data = secret.get("data") or {}
    errs = _validate_keys("data", data)
    if _size(data, True) > MAX_SECRET_SIZE:
        errs.append(too_long("data", "", MAX_SECRET_SIZE))
    stype = secret.get("type") or ""
    annotations = get(secret, "metadata", "annotations") or {}
    if stype == "kubernetes.io/service-account-token":
        if not annotations.get(SA_NAME_ANNOTATION):
            errs.append(required(f"metadata.annotations[{SA_NAME_ANNOTATION}]"))
    elif stype in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if stype == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            errs.append(required(f"data[{key}]"))
        else:
            problem = _json_problem(data[key])
            if problem:
                errs.append(invalid(f"data[{key}]", REDACTED, problem))
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs += [required("data[username]"), required("data[password]")]
    elif stype == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            errs.append(required("data[ssh-privatekey]"))
    elif stype == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(required(f"data[{key}]"))
    return errs


def merge_string_data(secret: Obj) -> None:
    """stringData wins over data for the same key; it is never stored."""
    string_data = secret.pop("stringData", None)
    if string_data:
        data = dict(secret.get("data") or {})
        for k, v in string_data.items():
            data[k] = base64.b64encode((v or "").encode()).decode()
        secret["data"] = data


class SecretStrategy(Strategy):
    def decode_error(self, obj: Obj) -> str | None:
        return _base64_problem(obj.get("data"))

    def default(self, obj: Obj) -> None:
        if not obj.get("type"):
            obj["type"] = "Opaque"
        merge_string_data(obj)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_secret(obj)

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = immutable("type", new.get("type", ""), old.get("type", ""))
        errs += immutable_when_set(new, old, ("data",))
        return errs + validate_secret(new)


def validate_config_map(cm: Obj) -> list[FieldError]:
    data, binary = cm.get("data") or {}, cm.get("binaryData") or {}
    errs: list[FieldError] = []
    for k in data:
        errs += [invalid(f"data[{k}]", k, m) for m in is_config_key(k)]
        if k in binary:
            errs.append(invalid(f"data[{k}]", k, "duplicate of key present in binaryData"))
    errs += _validate_keys("binaryData", binary)
    if _size(data, False) + _size(binary, True) > MAX_SECRET_SIZE:
        errs.append(too_long("", "", MAX_SECRET_SIZE))
    return errs


class ConfigMapStrategy(Strategy):
    def decode_error(self, obj: Obj) -> str | None:
        return _base64_problem(obj.get("binaryData"))

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_config_map(obj)

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return immutable_when_set(new, old, ("data", "binaryData")) + validate_config_map(new)


RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Secret",
        plural="secrets",
        namespaced=True,
        schema=Secret,
        strategy=SecretStrategy(),
        field_selectors={"type": lambda o: o.get("type") or ""},
        columns=(
            NAME,
            Column("Type", "string", lambda o, now: o.get("type") or "", "Type of the secret."),
            Column(
                "Data", "string", lambda o, now: len(o.get("data") or {}), "Number of items in the secret."
            ),
            AGE,
        ),
    ),
    Resource(
        group="",
        version="v1",
        kind="ConfigMap",
        plural="configmaps",
        namespaced=True,
        schema=ConfigMap,
        strategy=ConfigMapStrategy(),
        short_names=("cm",),
        columns=(
            NAME,
            Column(
                "Data",
                "string",
                lambda o, now: len(o.get("data") or {}) + len(o.get("binaryData") or {}),
                "Number of items in the config map.",
            ),
            AGE,
        ),
    ),
]
