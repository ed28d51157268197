"""ImageLocality: prefer nodes that already hold the pod's images (status.images), weighting each
image by its size and by the share of nodes having it, so one node with a common image does not
attract everything. score = 100 * (clamp(sum) - 23Mi) / (1000Mi * containers - 23Mi)."""

from __future__ import annotations

from collections.abc import Sequence

from kubepy.scheduler.plugins.base import MAX_NODE_SCORE, Cluster, CycleState, Obj, ScorePlugin

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    """An image without a tag (or digest) means :latest."""
    return name if name.rfind(":") > name.rfind("/") else f"{name}:latest"


def node_images(node: Obj) -> dict[str, int]:
    """Image name -> size, every name of every image the node reports."""
    out: dict[str, int] = {}
    for image in (node.get("status") or {}).get("images") or ():
        for name in image.get("names") or ():
            out[normalized_image_name(name)] = int(image.get("sizeBytes") or 0)
    return out


def priority(sum_scores: int, containers: int) -> int:
    top = MAX_CONTAINER_THRESHOLD * containers
    clamped = min(max(sum_scores, MIN_THRESHOLD), top)
    return MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) // (top - MIN_THRESHOLD)


def scaled(size: int, nodes_with_image: int, total_nodes: int) -> int:
    return int(size * (nodes_with_image / total_nodes))


class ImageLocality(ScorePlugin):
    name = "ImageLocality"

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(cluster.table.image_nodes)

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        """Nodes holding the same sizes of the pod's images score the same: each distinct
        combination is computed once (a thousand nodes mostly hold one image set or none)."""
        table = cluster.table
        spec = state.spec
        containers = [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]
        images = [normalized_image_name(c.get("image") or "") for c in containers]
        total, n = len(table), len(containers)
        spreads = [len(table.image_nodes.get(img, ())) for img in images]
        rows = table.rows
        if len(images) == 1:
            img = images[0]
            keys = [(rows[i].images.get(img),) for i in feasible]
        else:
            keys = [tuple([have.get(img) for img in images]) for have in [rows[i].images for i in feasible]]
        scores = {k: node_score(k, spreads, total, n) for k in set(keys)}
        return [scores[k] for k in keys]


def node_score(sizes: Sequence[int | None], spreads: Sequence[int], total: int, containers: int) -> int:
    """One node's score from the sizes it holds of the pod's images (None: not held) and how many
    of the `total` nodes hold each."""
    return priority(
        sum(
            scaled(size, spread, total)
            for size, spread in zip(sizes, spreads, strict=True)
            if size is not None
        ),
        containers,
    )
