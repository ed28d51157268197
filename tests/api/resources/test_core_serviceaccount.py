from kubepy.api.resources.core_serviceaccount import RESOURCES

from .helpers import create, load, row

SA = RESOURCES[0]


def test_book_service_accounts():
    obj, errs = create(SA, load("security/myserviceaccount.json"))
    assert errs == []
    assert row(SA, obj) == {"Name": "myserviceaccount", "Secrets": 2, "Age": "10m"}
    robot, errs = create(SA, load("security/serviceaccount.json"))
    assert errs == [] and row(SA, robot)["Secrets"] == 0


def test_declaration():
    assert SA.short_names == ("sa",) and SA.subresources == ("token",)
    secrets = SA.schema.fields["secrets"]
    assert (secrets.patch_merge_key, secrets.list_type, secrets.list_map_keys) == ("name", "map", ("name",))
