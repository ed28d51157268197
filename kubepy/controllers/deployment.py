"""The Deployment controller: a Deployment's pod template becomes a ReplicaSet named
<deployment>-<pod-template-hash>; changing the template rolls pods over to a new ReplicaSet,
RollingUpdate within maxSurge/maxUnavailable or Recreate (old pods gone first), keeping
revisionHistoryLimit old ReplicaSets for `kubectl rollout undo` (pkg/controller/deployment).

Revisions live in the deployment.kubernetes.io/revision annotation of each ReplicaSet and of the
Deployment. Going back to an old template (rollout undo) makes the old ReplicaSet the new one
again, with the next revision. Status and the Progressing/Available conditions are what
`kubectl rollout status` waits on; pausing stops rollouts but not scaling.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from datetime import timedelta
from typing import Any

from kubepy.api.labels import from_label_selector
from kubepy.client.cache import NAMESPACE_INDEX, OWNER_UID_INDEX, DeletedFinalStateUnknown
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_already_exists, is_not_found
from kubepy.client.events import NORMAL, WARNING, EventRecorder
from kubepy.client.resources import PODS, ref
from kubepy.client.rest import RESTClient
from kubepy.controllers import deployment_util as U
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.claims import claim
from kubepy.controllers.informers import SharedInformers
from kubepy.controllers.replication import RS_KIND

log = logging.getLogger(__name__)
Obj = dict[str, Any]
DEPLOYMENTS = ref("apps/v1", "deployments")
REPLICASETS = RS_KIND.ref


def _time(clock: Clock) -> str:
    return clock.wall().strftime("%Y-%m-%dT%H:%M:%SZ")


class DeploymentController(Controller):
    name = "deployment-controller"
    workers = 5

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        *,
        recorder: EventRecorder | None = None,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.recorder = recorder or EventRecorder(client, "deployment-controller", clock)
        self.deployments = informers.get(DEPLOYMENTS)
        self.replicasets = informers.get(REPLICASETS)
        self.pods = informers.get(PODS)
        self.watches(self.deployments, self.replicasets, self.pods)
        self.deployments.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n), self.enqueue)
        self.replicasets.add_event_handler(self._rs_added, self._rs_updated, self._rs_deleted)
        self.pods.add_event_handler(None, None, self._pod_deleted)

    # ---- event handlers ----------------------------------------------------------------------
    def _owner_of(self, obj: Obj) -> Obj | None:
        cref = P.controller_ref(obj)
        if cref is None or cref.get("kind") != "Deployment":
            return None
        d = self.deployments.store.get(f"{P.meta(obj).get('namespace', '')}/{cref.get('name', '')}")
        return d if d is not None and P.meta(d).get("uid") == cref.get("uid") else None

    def _matching(self, rs: Obj) -> list[Obj]:
        labels = P.meta(rs).get("labels") or {}
        out = []
        for d in self.deployments.store.by_index(NAMESPACE_INDEX, P.meta(rs).get("namespace", "")):
            sel = from_label_selector((d.get("spec") or {}).get("selector"))
            if not sel.empty and sel.matches(labels):
                out.append(d)
        return out

    def _rs_added(self, rs: Obj) -> None:
        d = self._owner_of(rs)
        if d is not None:
            self.enqueue(d)
        elif P.controller_ref(rs) is None:
            for d in self._matching(rs):
                self.enqueue(d)

    def _rs_updated(self, old: Obj, new: Obj) -> None:
        if P.meta(old).get("resourceVersion") == P.meta(new).get("resourceVersion"):
            return
        if P.controller_ref(old) != P.controller_ref(new):
            d = self._owner_of(old)
            if d is not None:
                self.enqueue(d)
        d = self._owner_of(new)
        if d is not None:
            self.enqueue(d)
        elif P.controller_ref(new) is None:
            for d in self._matching(new):
                self.enqueue(d)

    def _rs_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        d = self._owner_of(unwrap(obj))
        if d is not None:
            self.enqueue(d)

    def _pod_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        """Recreate waits for old pods to be gone: their deletion may let it go on."""
        pod = unwrap(obj)
        cref = P.controller_ref(pod)
        if cref is None or cref.get("kind") != "ReplicaSet":
            return
        rs = self.replicasets.store.get(f"{P.meta(pod).get('namespace', '')}/{cref.get('name', '')}")
        d = self._owner_of(rs) if rs is not None else None
        if d is not None and U.strategy(d) == "Recreate":
            self.enqueue(d)

    # ---- sync ----------------------------------------------------------------------------------
    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        d = self.deployments.store.get(key)
        if d is None:
            return None
        spec = d.get("spec") or {}
        selector = from_label_selector(spec.get("selector"))
        if selector.empty:
            await self.recorder.event(
                d,
                WARNING,
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )
            if (d.get("status") or {}).get("observedGeneration") != P.meta(d).get("generation"):
                await self._write_status(
                    d, {**(d.get("status") or {}), "observedGeneration": P.meta(d).get("generation")}
                )
            return None
        rss = await self._claim(d, selector)
        if P.meta(d).get("deletionTimestamp"):
            new_rs, old_rss = await self.get_all(d, rss, create=False)
            await self.sync_status(d, new_rs, old_rss)
            return None
        d = await self.check_paused_conditions(d)
        if spec.get("paused") or await self.is_scaling_event(d, rss):
            return await self.sync_scale(d, rss)
        if U.strategy(d) == "Recreate":
            return await self.rollout_recreate(d, rss)
        return await self.rollout_rolling(d, rss)

    async def _claim(self, d: Obj, selector: Any) -> list[Obj]:
        ns = P.meta(d).get("namespace", "")
        candidates = self.replicasets.store.by_index(NAMESPACE_INDEX, ns)

        async def can_adopt() -> bool:
            try:
                fresh = await self.client.get(DEPLOYMENTS, P.meta(d).get("name", ""), ns)
            except ApiError as e:
                if is_not_found(e):
                    return False
                raise
            return P.meta(fresh).get("uid") == P.meta(d).get("uid") and not P.meta(fresh).get(
                "deletionTimestamp"
            )

        owner_ref = P.owner_reference(d, "apps/v1", "Deployment")
        return await claim(self.client, REPLICASETS, d, owner_ref, selector, candidates, can_adopt)

    # ---- the new and old ReplicaSets -----------------------------------------------------------
    async def get_all(self, d: Obj, rss: list[Obj], create: bool) -> tuple[Obj | None, list[Obj]]:
        template = (d.get("spec") or {}).get("template") or {}
        matches = U.by_creation(
            [r for r in rss if U.equal_ignore_hash((r.get("spec") or {}).get("template") or {}, template)]
        )
        existing = matches[0] if matches else None
        old = [r for r in rss if r is not existing]
        new_revision = U.max_revision(old) + 1
        if existing is not None:
            return await self._sync_new_rs_revision(d, existing, new_revision), old
        if not create:
            return None, old
        return await self._create_new_rs(d, rss, new_revision), old

    def _rs_annotations(self, d: Obj, rs_annotations: dict[str, str], new_revision: int) -> dict[str, str]:
        """SetNewReplicaSetAnnotations: the Deployment's annotations and the new revision; a
        revision that moves on is remembered in revision-history."""
        out = dict(rs_annotations)
        for k, v in (P.meta(d).get("annotations") or {}).items():
            if k not in U.NOT_COPIED:
                out[k] = v
        old = out.get(U.REVISION, "")
        try:
            old_n = int(old) if old else 0
        except ValueError:
            old_n = 0
        if old_n < new_revision:
            out[U.REVISION] = str(new_revision)
            if old:
                history = out.get(U.REVISION_HISTORY, "")
                out[U.REVISION_HISTORY] = f"{history},{old}" if history else old
        return out

    async def _sync_new_rs_revision(self, d: Obj, rs: Obj, new_revision: int) -> Obj:
        annotations = self._rs_annotations(d, P.meta(rs).get("annotations") or {}, new_revision)
        min_ready = (d.get("spec") or {}).get("minReadySeconds") or 0
        if (
            annotations != (P.meta(rs).get("annotations") or {})
            or ((rs.get("spec") or {}).get("minReadySeconds") or 0) != min_ready
        ):
            body = {
                **rs,
                "metadata": {**P.meta(rs), "annotations": annotations},
                "spec": {**rs["spec"], "minReadySeconds": min_ready},
            }
            rs = await self.client.update(REPLICASETS, body)
        await self._set_deployment_revision(d, (P.meta(rs).get("annotations") or {}).get(U.REVISION, ""))
        if (d.get("spec") or {}).get("progressDeadlineSeconds") is not None and U.condition(
            d.get("status") or {}, "Progressing"
        ) is None:
            await self._set_conditions(
                d,
                [
                    U.cond(
                        "Progressing",
                        "True",
                        "FoundNewReplicaSet",
                        f'Found new replica set "{P.meta(rs).get("name")}"',
                    )
                ],
            )
        return rs

    async def _create_new_rs(self, d: Obj, all_rss: list[Obj], new_revision: int) -> Obj:
        m, spec = P.meta(d), d.get("spec") or {}
        collisions = int((d.get("status") or {}).get("collisionCount") or 0)
        template = spec.get("template") or {}
        h = U.template_hash(template, collisions)
        tmeta = dict(template.get("metadata") or {})
        tmeta["labels"] = {**(tmeta.get("labels") or {}), U.HASH_LABEL: h}
        selector = dict(spec.get("selector") or {})
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), U.HASH_LABEL: h}
        annotations = self._rs_annotations(d, {}, new_revision)
        annotations[U.DESIRED_REPLICAS] = str(U.replicas(d))
        annotations[U.MAX_REPLICAS] = str(U.replicas(d) + U.max_surge(d))
        name = f"{m.get('name', '')}-{h}"
        body = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": m.get("namespace", ""),
                "labels": tmeta["labels"],
                "annotations": annotations,
                "ownerReferences": [P.owner_reference(d, "apps/v1", "Deployment")],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": spec.get("minReadySeconds") or 0,
                "selector": selector,
                "template": {**template, "metadata": tmeta},
            },
        }
        body["spec"]["replicas"] = U.new_rs_new_replicas(d, all_rss, body)
        try:
            rs = await self.client.create(REPLICASETS, body)
        except ApiError as e:
            if not is_already_exists(e):
                raise
            rs = await self.client.get(REPLICASETS, name, m.get("namespace", ""))
            cref = P.controller_ref(rs)
            if (
                cref is not None
                and cref.get("uid") == m.get("uid")
                and U.equal_ignore_hash(rs["spec"]["template"], template)
            ):
                return rs  # ours, the cache had not shown it yet
            status = {**(d.get("status") or {}), "collisionCount": collisions + 1}
            await self._write_status(d, status)
            raise RuntimeError(
                f"hash collision for ReplicaSet {name}; collisionCount is now {collisions + 1}"
            ) from e
        if U.replicas(rs) > 0:
            await self.recorder.event(
                d, NORMAL, "ScalingReplicaSet", f"Scaled up replica set {name} to {U.replicas(rs)}"
            )
        await self._set_deployment_revision(d, str(new_revision))
        if spec.get("progressDeadlineSeconds") is not None:
            await self._set_conditions(
                d,
                [U.cond("Progressing", "True", "NewReplicaSetCreated", f'Created new replica set "{name}"')],
            )
        return rs

    async def _set_deployment_revision(self, d: Obj, revision: str) -> None:
        if not revision or (P.meta(d).get("annotations") or {}).get(U.REVISION) == revision:
            return
        m = P.meta(d)
        patch = {"metadata": {"annotations": {U.REVISION: revision}}}
        await self.client.patch(
            DEPLOYMENTS, m.get("name", ""), patch, m.get("namespace", ""), patch_type="merge"
        )

    # ---- scaling ReplicaSets -------------------------------------------------------------------
    async def scale_rs(self, d: Obj, rs: Obj, size: int) -> Obj:
        """Resize a ReplicaSet and stamp it with the Deployment size it was sized for; an event
        when the size changed."""
        old = U.replicas(rs)
        annotations = dict(P.meta(rs).get("annotations") or {})
        desired, most = str(U.replicas(d)), str(U.replicas(d) + U.max_surge(d))
        if (
            old == size
            and annotations.get(U.DESIRED_REPLICAS) == desired
            and annotations.get(U.MAX_REPLICAS) == most
        ):
            return rs
        annotations[U.DESIRED_REPLICAS], annotations[U.MAX_REPLICAS] = desired, most
        body = {
            **rs,
            "metadata": {**P.meta(rs), "annotations": annotations},
            "spec": {**rs["spec"], "replicas": size},
        }
        updated = await self.client.update(REPLICASETS, body)
        if old != size:
            op = "up" if size > old else "down"
            await self.recorder.event(
                d,
                NORMAL,
                "ScalingReplicaSet",
                f"Scaled {op} replica set {P.meta(rs).get('name')} to {size} from {old}",
            )
        return updated

    async def is_scaling_event(self, d: Obj, rss: list[Obj]) -> bool:
        new_rs, old_rss = await self.get_all(d, rss, create=False)
        for rs in [r for r in [new_rs, *old_rss] if r is not None and U.replicas(r) > 0]:
            desired = (P.meta(rs).get("annotations") or {}).get(U.DESIRED_REPLICAS)
            if desired is not None and desired != str(U.replicas(d)):
                return True
        return False

    async def sync_scale(self, d: Obj, rss: list[Obj]) -> float | None:
        """Scaling (and everything while paused): resize without rolling anything over."""
        new_rs, old_rss = await self.get_all(d, rss, create=False)
        new_rs, old_rss = await self.scale(d, new_rs, old_rss)
        if (d.get("spec") or {}).get("paused"):
            await self.cleanup(d, old_rss)
        await self.sync_status(d, new_rs, old_rss)
        return None

    async def scale(self, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> tuple[Obj | None, list[Obj]]:
        all_rss = [r for r in [new_rs, *old_rss] if r is not None]
        active = [r for r in all_rss if U.replicas(r) > 0]
        target: Obj | None = None
        if len(active) == 1:
            target = active[0]
        elif not active:
            target = new_rs if new_rs is not None else (U.by_creation(old_rss)[-1] if old_rss else None)
        if len(active) <= 1:
            if target is not None:
                scaled = await self.scale_rs(d, target, U.replicas(d))
                return self._replace(new_rs, old_rss, target, scaled)
            return new_rs, old_rss
        if new_rs is not None and self._saturated(d, new_rs):
            for r in [r for r in old_rss if U.replicas(r) > 0]:
                new_rs, old_rss = self._replace(new_rs, old_rss, r, await self.scale_rs(d, r, 0))
            return new_rs, old_rss
        if U.strategy(d) == "RollingUpdate":
            sizes = U.proportional_sizes(d, active)
            for r in active:
                new_rs, old_rss = self._replace(
                    new_rs, old_rss, r, await self.scale_rs(d, r, sizes[P.meta(r).get("uid", "")])
                )
        return new_rs, old_rss

    @staticmethod
    def _saturated(d: Obj, rs: Obj) -> bool:
        desired = (P.meta(rs).get("annotations") or {}).get(U.DESIRED_REPLICAS)
        return (
            U.replicas(rs) == U.replicas(d)
            and desired == str(U.replicas(d))
            and U.status_of(rs, "availableReplicas") == U.replicas(d)
        )

    @staticmethod
    def _replace(
        new_rs: Obj | None, old_rss: list[Obj], before: Obj, after: Obj
    ) -> tuple[Obj | None, list[Obj]]:
        if new_rs is before:
            return after, old_rss
        return new_rs, [after if r is before else r for r in old_rss]

    # ---- rollouts ------------------------------------------------------------------------------
    async def rollout_rolling(self, d: Obj, rss: list[Obj]) -> float | None:
        new_rs, old_rss = await self.get_all(d, rss, create=True)
        assert new_rs is not None
        all_rss = [new_rs, *old_rss]
        # scale the new ReplicaSet up (or down to the Deployment's size)
        target = (
            U.replicas(d) if U.replicas(new_rs) > U.replicas(d) else U.new_rs_new_replicas(d, all_rss, new_rs)
        )
        if target != U.replicas(new_rs):
            new_rs = await self.scale_rs(d, new_rs, target)
            return await self.sync_rollout_status(d, new_rs, old_rss)
        plan = U.old_scale_down_plan(all_rss, [r for r in old_rss if U.replicas(r) > 0], new_rs, d)
        if plan:
            for rs, size in plan:
                new_rs, old_rss = self._replace(new_rs, old_rss, rs, await self.scale_rs(d, rs, size))
            return await self.sync_rollout_status(d, new_rs, old_rss)
        if U.is_complete(d, U.calculate_status(d, [new_rs, *old_rss], new_rs)):
            await self.cleanup(d, old_rss)
        return await self.sync_rollout_status(d, new_rs, old_rss)

    async def rollout_recreate(self, d: Obj, rss: list[Obj]) -> float | None:
        new_rs, old_rss = await self.get_all(d, rss, create=False)
        active_old = [r for r in old_rss if U.replicas(r) > 0]
        if active_old:
            for r in active_old:
                new_rs, old_rss = self._replace(new_rs, old_rss, r, await self.scale_rs(d, r, 0))
            return await self.sync_rollout_status(d, new_rs, old_rss)
        if self._old_pods_running(old_rss):
            return await self.sync_rollout_status(d, new_rs, old_rss)
        if new_rs is None:
            new_rs, old_rss = await self.get_all(d, rss, create=True)
            assert new_rs is not None
        if U.replicas(new_rs) != U.replicas(d):
            new_rs = await self.scale_rs(d, new_rs, U.replicas(d))
        if U.is_complete(d, U.calculate_status(d, [new_rs, *old_rss], new_rs)):
            await self.cleanup(d, old_rss)
        return await self.sync_rollout_status(d, new_rs, old_rss)

    def _old_pods_running(self, old_rss: list[Obj]) -> bool:
        if any(U.status_of(r, "replicas") > 0 for r in old_rss):
            return True
        for r in old_rss:
            for pod in self.pods.store.by_index(OWNER_UID_INDEX, P.meta(r).get("uid", "")):
                if (pod.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    async def cleanup(self, d: Obj, old_rss: list[Obj]) -> None:
        limit = (d.get("spec") or {}).get("revisionHistoryLimit")
        if limit is None:
            return
        for rs in U.rs_to_clean(old_rss, int(limit)):
            m = P.meta(rs)
            try:
                await self.client.delete(
                    REPLICASETS,
                    m.get("name", ""),
                    m.get("namespace", ""),
                    preconditions={"uid": m.get("uid", "")},
                )
            except ApiError as e:
                if not is_not_found(e) and e.code != 409:
                    raise

    # ---- status and conditions -------------------------------------------------------------------
    async def check_paused_conditions(self, d: Obj) -> Obj:
        if (d.get("spec") or {}).get("progressDeadlineSeconds") is None:
            return d
        current = U.condition(d.get("status") or {}, "Progressing")
        if current is not None and current.get("reason") == "ProgressDeadlineExceeded":
            return d
        paused_cond = current is not None and current.get("reason") == "DeploymentPaused"
        paused = bool((d.get("spec") or {}).get("paused"))
        if paused and not paused_cond:
            return await self._set_conditions(
                d, [U.cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused")]
            )
        if not paused and paused_cond:
            return await self._set_conditions(
                d, [U.cond("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed")]
            )
        return d

    async def _set_conditions(self, d: Obj, conds: list[Obj]) -> Obj:
        status = dict(d.get("status") or {})
        conditions = list(status.get("conditions") or [])
        now = _time(self.clock)
        for c in conds:
            conditions = U.set_condition(conditions, c, now)
        if conditions == (status.get("conditions") or []):
            return d
        status["conditions"] = conditions
        return await self._write_status(d, status) or d

    async def sync_status(self, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> None:
        """syncDeploymentStatus: counts and the Available condition."""
        all_rss = [r for r in [new_rs, *old_rss] if r is not None]
        status = U.calculate_status(d, all_rss, new_rs)
        conditions = list((d.get("status") or {}).get("conditions") or [])
        status["conditions"] = U.status_conditions(d, status, conditions, all_rss, new_rs, _time(self.clock))
        await self._write_status(d, status)

    def _progressing(self, d: Obj, new: Obj) -> bool:
        old = d.get("status") or {}

        def old_replicas(s: Obj) -> int:
            return (s.get("replicas") or 0) - (s.get("updatedReplicas") or 0)

        return (
            (new.get("updatedReplicas") or 0) > (old.get("updatedReplicas") or 0)
            or old_replicas(new) < old_replicas(old)
            or (new.get("readyReplicas") or 0) > (old.get("readyReplicas") or 0)
            or (new.get("availableReplicas") or 0) > (old.get("availableReplicas") or 0)
        )

    def _deadline_left(self, d: Obj, current: Obj | None) -> float | None:
        deadline = (d.get("spec") or {}).get("progressDeadlineSeconds")
        if deadline is None or current is None:
            return None
        if current.get("reason") == "NewReplicaSetAvailable":
            return None
        if current.get("reason") == "ProgressDeadlineExceeded":
            return 0.0
        since = P.parse_time(current.get("lastUpdateTime"))
        if since is None:
            return None
        return (since + timedelta(seconds=deadline) - self.clock.wall()).total_seconds()

    async def sync_rollout_status(self, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> float | None:
        all_rss = [r for r in [new_rs, *old_rss] if r is not None]
        status = U.calculate_status(d, all_rss, new_rs)
        now = _time(self.clock)
        conditions = list((d.get("status") or {}).get("conditions") or [])
        name = P.meta(new_rs).get("name", "") if new_rs is not None else ""
        requeue: float | None = None
        if (d.get("spec") or {}).get("progressDeadlineSeconds") is None:
            conditions = [c for c in conditions if c.get("type") != "Progressing"]
        else:
            current = U.condition({"conditions": conditions}, "Progressing")
            if U.is_complete(d, status):
                conditions = U.set_condition(
                    conditions,
                    U.cond(
                        "Progressing",
                        "True",
                        "NewReplicaSetAvailable",
                        f'ReplicaSet "{name}" has successfully progressed.',
                    ),
                    now,
                )
            elif self._progressing(d, status):
                c = U.cond("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{name}" is progressing.')
                if (
                    current is not None
                    and current.get("status") == "True"
                    and current.get("reason") == "ReplicaSetUpdated"
                ):
                    c = {**current, "message": c["message"], "lastUpdateTime": now}
                    conditions = [x for x in conditions if x.get("type") != "Progressing"] + [c]
                else:
                    conditions = U.set_condition(conditions, c, now)
                requeue = float((d.get("spec") or {}).get("progressDeadlineSeconds") or 0) or None
            else:
                left = self._deadline_left(d, current)
                if left is not None and left <= 0:
                    conditions = U.set_condition(
                        conditions,
                        U.cond(
                            "Progressing",
                            "False",
                            "ProgressDeadlineExceeded",
                            f'ReplicaSet "{name}" has timed out progressing.',
                        ),
                        now,
                    )
                elif left is not None:
                    requeue = left + 1
        status["conditions"] = U.status_conditions(d, status, conditions, all_rss, new_rs, now)
        await self._write_status(d, status)
        return requeue

    async def _write_status(self, d: Obj, status: Obj) -> Obj | None:
        """PUT the status computed from `d`; a conflict (d was stale) fails the sync, which is
        then retried on fresh data rather than writing a status computed from old data."""
        if status == (d.get("status") or {}):
            return None
        try:
            return await self.client.update_status(DEPLOYMENTS, {**d, "status": status})
        except ApiError as e:
            if is_not_found(e):
                return None
            raise
