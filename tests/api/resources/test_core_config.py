import base64

import pytest

from kubepy.api.resources.core_config import RESOURCES

from .helpers import create, load, messages, row, update

SECRET, CM = RESOURCES


@pytest.mark.parametrize(
    "path",
    [
        "security/secrets.yaml",
        "security/image-pull-secret.yaml",
        "security/service-account-token-secret.json",
    ],
)
def test_book_secrets_validate(path):
    _, errs = create(SECRET, load(path))
    assert errs == []


def test_secret_defaults_and_table():
    obj, _ = create(
        SECRET, {"metadata": {"name": "s"}, "stringData": {"user": "admin"}, "data": {"a": "YQ=="}}
    )
    assert obj["type"] == "Opaque"
    assert "stringData" not in obj
    assert obj["data"] == {"a": "YQ==", "user": base64.b64encode(b"admin").decode()}
    assert row(SECRET, obj) == {"Name": "s", "Type": "Opaque", "Data": 2, "Age": "10m"}
    assert SECRET.field_selectors["type"](obj) == "Opaque"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"password": "dmFsdWUtMg0K"}, None),
        ({"password": "abcd="}, "illegal base64 data at input byte 4"),
        ({"password": "abc"}, "illegal base64 data at input byte 0"),
        ({"p": "a!cd"}, "illegal base64 data at input byte 1"),
    ],
)
def test_secret_decode_errors(data, message):
    assert SECRET.strategy.decode_error({"data": data}) == message


@pytest.mark.parametrize(
    "secret, expected",
    [
        (
            {"type": "kubernetes.io/service-account-token"},
            ["metadata.annotations[kubernetes.io/service-account.name]: Required value"],
        ),
        ({"type": "kubernetes.io/dockercfg"}, ["data[.dockercfg]: Required value"]),
        ({"type": "kubernetes.io/dockerconfigjson"}, ["data[.dockerconfigjson]: Required value"]),
        (
            {"type": "kubernetes.io/basic-auth"},
            ["data[username]: Required value", "data[password]: Required value"],
        ),
        ({"type": "kubernetes.io/ssh-auth"}, ["data[ssh-privatekey]: Required value"]),
        ({"type": "kubernetes.io/tls", "data": {"tls.crt": ""}}, ["data[tls.key]: Required value"]),
        (
            {"data": {"a b": "YQ=="}},
            [
                "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', "
                "'_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                "'[-._a-zA-Z0-9]+')"
            ],
        ),
        ({"data": {"..a": "YQ=="}}, ["data[..a]: Invalid value: \"..a\": must not start with '..'"]),
        (
            {"data": {"big": base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()}},
            ["data: Too long: may not be more than 1048576 bytes"],
        ),
    ],
)
def test_secret_validation(secret, expected):
    _, errs = create(SECRET, {"metadata": {"name": "s"}} | secret)
    assert messages(errs) == expected


def test_secret_type_and_immutable_data():
    old, _ = create(SECRET, {"metadata": {"name": "s"}, "data": {"a": "YQ=="}, "immutable": True})
    _, errs = update(
        SECRET, {"metadata": {"name": "s"}, "type": "kubernetes.io/tls", "data": {"a": "Yg=="}}, old
    )
    assert messages(errs) == [
        'type: Invalid value: "kubernetes.io/tls": field is immutable',
        "immutable: Forbidden: field is immutable when `immutable` is set",
        "data: Forbidden: field is immutable when `immutable` is set",
        "data[tls.crt]: Required value",
        "data[tls.key]: Required value",
    ]


def test_config_map():
    obj, errs = create(
        CM, {"metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}, "binaryData": {"c": "YQ=="}}
    )
    assert errs == []
    assert row(CM, obj) == {"Name": "c", "Data": 3, "Age": "10m"}
    _, errs = create(CM, {"metadata": {"name": "c"}, "data": {"a": "1"}, "binaryData": {"a": "YQ=="}})
    assert messages(errs) == ['data[a]: Invalid value: "a": duplicate of key present in binaryData']
    assert CM.strategy.decode_error({"binaryData": {"a": "Y"}}) == "illegal base64 data at input byte 0"
    assert CM.short_names == ("cm",)


def test_config_map_immutable():
    old, _ = create(CM, {"metadata": {"name": "c"}, "data": {"a": "1"}, "immutable": True})
    _, errs = update(CM, {"metadata": {"name": "c"}, "data": {"a": "2"}, "immutable": True}, old)
    assert messages(errs) == ["data: Forbidden: field is immutable when `immutable` is set"]
