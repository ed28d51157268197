"""The three classic PATCH types as pure functions over decoded JSON, with Kubernetes' errors.

Every failure is a PatchError (a StatusError) carrying the code, reason and message the real
apiserver answers with, so the PATCH handler only has to pass it on.
"""

from kubepy.apiserver.patch.body import decode_patch_body
from kubepy.apiserver.patch.errors import PatchError
from kubepy.apiserver.patch.jsonpatch import apply_json_patch
from kubepy.apiserver.patch.mergepatch import apply_merge_patch
from kubepy.apiserver.patch.strategic import apply_strategic_merge_patch

__all__ = [
    "PatchError",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_strategic_merge_patch",
    "decode_patch_body",
]
