"""kubeconfig written by `kubepy up`: content kubectl accepts, round trip, lookups."""

from __future__ import annotations

import stat

import pytest

from kubepy import kubeconfig


def test_content_is_what_kubectl_expects():
    assert kubeconfig.dumps(kubeconfig.build("http://127.0.0.1:8080")) == (
        "apiVersion: v1\n"
        "clusters:\n"
        "- cluster:\n"
        "    server: http://127.0.0.1:8080\n"
        "  name: kubepy\n"
        "contexts:\n"
        "- context:\n"
        "    cluster: kubepy\n"
        "    user: kubepy\n"
        "  name: kubepy\n"
        "current-context: kubepy\n"
        "kind: Config\n"
        "preferences: {}\n"
        "users:\n"
        "- name: kubepy\n"
        "  user: {}\n"
    )


def test_write_read_round_trip_and_private_mode(tmp_path):
    cfg = kubeconfig.build("http://10.0.0.1:8080", "book", namespace="kube-system")
    path = kubeconfig.write(tmp_path / "sub" / "kubeconfig", cfg)
    assert kubeconfig.read(path) == cfg
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["kubeconfig"]  # no temp file left
    assert cfg["contexts"][0]["context"]["namespace"] == "kube-system"


def test_server_of_follows_current_context():
    cfg = kubeconfig.build("http://127.0.0.1:18080")
    assert kubeconfig.server_of(cfg) == "http://127.0.0.1:18080"
    with pytest.raises(KeyError, match='context "other" not found'):
        kubeconfig.server_of(cfg, "other")


def test_kubernetes_client_library_loads_it(tmp_path):
    from kubernetes import client, config

    path = kubeconfig.write(tmp_path / "kubeconfig", kubeconfig.build("http://127.0.0.1:18080"))
    conf = client.Configuration()
    config.load_kube_config(config_file=str(path), client_configuration=conf)
    assert conf.host == "http://127.0.0.1:18080"


def test_loads_rejects_a_non_mapping():
    with pytest.raises(ValueError):
        kubeconfig.loads("- a\n- b\n")
