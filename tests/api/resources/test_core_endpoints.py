import pytest

from kubepy.api.resources.core_endpoints import RESOURCES, format_endpoints

from .helpers import create, load, messages, row

EP = RESOURCES[0]


def book_endpoints():
    obj = load("misc/my-service-endpoints.json")
    # the book writes "IP"; the apiserver's decoder matches JSON keys case-insensitively
    for ss in obj["subsets"]:
        ss["addresses"] = [{"ip": a["IP"]} for a in ss["addresses"]]
    return obj


def test_book_endpoints_validate_and_default_protocol():
    obj, errs = create(EP, book_endpoints())
    assert errs == []
    assert obj["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]
    assert EP.strategy.allow_create_on_update
    assert EP.short_names == ("ep",)


@pytest.mark.parametrize(
    "subset, expected",
    [
        (
            {"ports": [{"port": 80}]},
            ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"],
        ),
        (
            {"addresses": [{"ip": "1.2.3"}], "ports": [{"port": 80}]},
            [
                'subsets[0].addresses[0].ip: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
                'subsets[0].addresses[0].ip: Invalid value: "1.2.3": must be a valid IP address',
            ],
        ),
        (
            {"addresses": [{"ip": "169.254.1.1"}], "ports": [{"port": 80}]},
            [
                'subsets[0].addresses[0].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)'
            ],
        ),
        (
            {"addresses": [{"ip": "10.1.0.5"}], "ports": [{"port": 80}, {"port": 81, "name": "b"}]},
            ["subsets[0].ports[0].name: Required value"],
        ),
        (
            {"addresses": [{"ip": "10.1.0.5"}], "ports": [{"port": 70000}]},
            ["subsets[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"],
        ),
    ],
)
def test_validation(subset, expected):
    _, errs = create(EP, {"metadata": {"name": "e"}, "subsets": [subset]})
    assert messages(errs) == expected


def test_endpoints_cell():
    assert format_endpoints({}) == "<none>"
    ep = {
        "subsets": [
            {
                "addresses": [{"ip": "10.1.0.5"}, {"ip": "10.1.0.6"}, {"ip": "10.1.0.7"}, {"ip": "10.1.0.8"}],
                "ports": [{"port": 6379}],
            }
        ]
    }
    assert format_endpoints(ep) == "10.1.0.5:6379,10.1.0.6:6379,10.1.0.7:6379 + 1 more..."
    two = {"subsets": [{"addresses": [{"ip": "172.16.42.6"}], "ports": [{"port": 6379}]}]}
    assert format_endpoints(two) == "172.16.42.6:6379"
    headless = {"subsets": [{"addresses": [{"ip": "10.1.0.5"}]}]}
    assert format_endpoints(headless) == "10.1.0.5"
    obj, _ = create(EP, book_endpoints())
    assert row(EP, obj) == {"Name": "my-service", "Endpoints": "1.2.3.4:80", "Age": "10m"}
