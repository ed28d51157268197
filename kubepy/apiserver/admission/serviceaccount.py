"""ServiceAccount admission, its defaulting part: a pod runs as the namespace's "default"
service account unless it names one. Kubernetes also refuses pods whose service account does not
exist yet and mounts its token; kubepy does neither yet, so a missing account is not an error."""

from __future__ import annotations

from kubepy.apiserver.admission.chain import CREATE, Attributes

DEFAULT_SERVICE_ACCOUNT = "default"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


class ServiceAccount:
    name = "ServiceAccount"
    #: what it may act on (chain.applicable): pods alone
    resources = frozenset({("", "pods")})

    def mutates(self, attrs: Attributes) -> bool:
        return attrs.is_pod() and attrs.operation == CREATE

    def memo_state(self, attrs: Attributes) -> tuple[()]:
        """The object alone decides what this plugin does."""
        return ()

    def admit(self, attrs: Attributes) -> None:
        if not self.mutates(attrs):
            return  # Kubernetes only mutates pods on create
        pod = attrs.obj
        if MIRROR_POD_ANNOTATION in ((pod.get("metadata") or {}).get("annotations") or {}):
            return  # the kubelet's mirror of a static pod keeps the spec it was given
        spec = pod.setdefault("spec", {})
        # v1's deprecated serviceAccount stands for serviceAccountName when that is empty, and
        # is always written back as the same name (the v1 conversion)
        account = spec.get("serviceAccountName") or spec.get("serviceAccount") or DEFAULT_SERVICE_ACCOUNT
        spec["serviceAccountName"] = account
        spec["serviceAccount"] = account
