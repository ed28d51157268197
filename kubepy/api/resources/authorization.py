"""SelfSubjectAccessReview (authorization.k8s.io/v1): "may I do this?" — `kubectl auth can-i`.

Create-only and never stored: the answer is computed from the request. Until authorization
exists every request is allowed, as with Kubernetes' AlwaysAllow authorizer.
"""

from __future__ import annotations

from typing import Any

from kubepy.api.errors import FieldError, GoValue, bad_request, invalid, invalid_error
from kubepy.api.resource import Context, Obj, Resource, Strategy
from kubepy.api.resources.meta import META, LabelSelectorRequirement, kind_struct
from kubepy.api.schema import BOOL, STRING, f, list_of, map_of, struct

GROUP = "authorization.k8s.io"
A = "io.k8s.api.authorization.v1."

FieldSelectorRequirement = struct(
    META + "FieldSelectorRequirement",
    "A field key, an operator and values.",
    key=f(STRING, "Field the requirement applies to.", required=True, proto=1),
    operator=f(STRING, "In, NotIn, Exists or DoesNotExist.", required=True, proto=2),
    values=f(list_of(STRING), "Values for In and NotIn.", list_type="atomic", proto=3),
)

FieldSelectorAttributes = struct(
    A + "FieldSelectorAttributes",
    "The field selector of a request being checked.",
    rawSelector=f(STRING, "Selector as written in the query.", proto=1),
    requirements=f(list_of(FieldSelectorRequirement), "Parsed requirements.", list_type="atomic", proto=2),
)

LabelSelectorAttributes = struct(
    A + "LabelSelectorAttributes",
    "The label selector of a request being checked.",
    rawSelector=f(STRING, "Selector as written in the query.", proto=1),
    requirements=f(list_of(LabelSelectorRequirement), "Parsed requirements.", list_type="atomic", proto=2),
)

ResourceAttributes = struct(
    A + "ResourceAttributes",
    "A request on an API resource.",
    namespace=f(STRING, "Namespace of the request; empty for all or cluster-scoped.", proto=1),
    verb=f(STRING, "Verb: get, list, watch, create, update, patch, delete, ... or *.", proto=2),
    group=f(STRING, "API group; * for all.", proto=3),
    version=f(STRING, "API version; * for all.", proto=4),
    resource=f(STRING, "Resource plural; * for all.", proto=5),
    subresource=f(STRING, "Subresource; empty for none.", proto=6),
    name=f(STRING, "Object name; empty for all.", proto=7),
    fieldSelector=f(FieldSelectorAttributes, "Field selector of a list or watch.", proto=8),
    labelSelector=f(LabelSelectorAttributes, "Label selector of a list or watch.", proto=9),
)

NonResourceAttributes = struct(
    A + "NonResourceAttributes",
    "A request on a non-resource path such as /healthz.",
    path=f(STRING, "URL path.", proto=1),
    verb=f(STRING, "HTTP verb, lower case.", proto=2),
)

SelfSubjectAccessReviewSpec = struct(
    A + "SelfSubjectAccessReviewSpec",
    "The request to check; exactly one of the two attribute sets.",
    resourceAttributes=f(ResourceAttributes, "A resource request.", proto=1),
    nonResourceAttributes=f(NonResourceAttributes, "A non-resource request.", proto=2),
)

SubjectAccessReviewStatus = struct(
    A + "SubjectAccessReviewStatus",
    "The authorizer's answer.",
    allowed=f(BOOL, "Whether the request is allowed.", required=True, proto=1),
    denied=f(BOOL, "Whether the request is explicitly denied.", proto=4),
    reason=f(STRING, "Why, when the authorizer says.", proto=2),
    evaluationError=f(STRING, "A problem met while deciding.", proto=3),
)

SelfSubjectAccessReview = kind_struct(
    A + "SelfSubjectAccessReview",
    "Asks whether the current user may perform an action.",
    GROUP,
    "v1",
    "SelfSubjectAccessReview",
    extra={
        "spec": f(SelfSubjectAccessReviewSpec, "The request to evaluate.", required=True, proto=2),
        "status": f(SubjectAccessReviewStatus, "The answer, filled in by the server.", proto=3),
    },
)


def validate_review(review: Obj) -> list[FieldError]:
    """ValidateSelfSubjectAccessReview: one attribute set, and no metadata."""
    spec = review.get("spec") or {}
    ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    errs: list[FieldError] = []
    if ra is not None and nra is not None:
        errs.append(
            invalid(
                "spec.nonResourceAttributes",
                GoValue(_go_nra(nra)),
                "cannot be specified in combination with resourceAttributes",
            )
        )
    if ra is None and nra is None:
        errs.append(
            invalid(
                "spec.resourceAttributes",
                None,
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )
        )
    meta = {
        k: v
        for k, v in (review.get("metadata") or {}).items()
        if k != "managedFields" and v not in (None, "", {}, [])
    }
    if meta:
        errs.append(invalid("metadata", GoValue("v1.ObjectMeta{...}"), "must be empty"))
    return errs


def _go_nra(nra: Obj) -> str:
    return (
        f'&authorization.NonResourceAttributes{{Path:"{nra.get("path", "")}", Verb:"{nra.get("verb", "")}"}}'
    )


def review(obj: Obj, ctx: Context) -> Obj:
    """The answer to a SelfSubjectAccessReview: allowed, while every request is."""
    errs = validate_review(obj)
    if errs:
        raise invalid_error("SelfSubjectAccessReview", "", errs, GROUP)
    return {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": f"{GROUP}/v1",
        "metadata": {},
        "spec": obj.get("spec") or {},
        "status": {"allowed": True},
    }


class ReviewStrategy(Strategy):
    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_review(obj)


ResourceRule = struct(
    A + "ResourceRule",
    "Verbs allowed on resources.",
    verbs=f(list_of(STRING), "Allowed verbs; * for all.", required=True, list_type="atomic", proto=1),
    apiGroups=f(list_of(STRING), "API groups the rule covers; * for all.", list_type="atomic", proto=2),
    resources=f(list_of(STRING), "Resources the rule covers; * for all.", list_type="atomic", proto=3),
    resourceNames=f(list_of(STRING), "Object names the rule is limited to.", list_type="atomic", proto=4),
)

NonResourceRule = struct(
    A + "NonResourceRule",
    "Verbs allowed on non-resource URLs.",
    verbs=f(list_of(STRING), "Allowed verbs; * for all.", required=True, list_type="atomic", proto=1),
    nonResourceURLs=f(
        list_of(STRING), "URL paths (prefixes with *) the rule covers.", list_type="atomic", proto=2
    ),
)

SelfSubjectRulesReviewSpec = struct(
    A + "SelfSubjectRulesReviewSpec",
    "Which namespace to list the caller's permissions in.",
    namespace=f(STRING, "Namespace to evaluate rules for.", proto=1),
)

SubjectRulesReviewStatus = struct(
    A + "SubjectRulesReviewStatus",
    "What the caller may do in the namespace.",
    resourceRules=f(
        list_of(ResourceRule), "Allowed resource actions.", required=True, list_type="atomic", proto=1
    ),
    nonResourceRules=f(
        list_of(NonResourceRule), "Allowed non-resource actions.", required=True, list_type="atomic", proto=2
    ),
    incomplete=f(BOOL, "True when the authorizer could not list every rule.", required=True, proto=3),
    evaluationError=f(STRING, "A problem met while listing rules.", proto=4),
)

SelfSubjectRulesReview = kind_struct(
    A + "SelfSubjectRulesReview",
    "Lists what the current user may do in a namespace (kubectl auth can-i --list).",
    GROUP,
    "v1",
    "SelfSubjectRulesReview",
    extra={
        "spec": f(SelfSubjectRulesReviewSpec, "The namespace to evaluate.", required=True, proto=2),
        "status": f(SubjectRulesReviewStatus, "The rules, filled in by the server.", proto=3),
    },
)

ALLOW_ALL_RULES = {
    "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
    "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
    "incomplete": False,
}


def rules_review(obj: Obj, ctx: Context) -> Obj:
    """Every rule, as Kubernetes' AlwaysAllow authorizer reports them."""
    namespace = (obj.get("spec") or {}).get("namespace") or ""
    if not namespace:
        raise bad_request("no namespace on request")
    return {
        "kind": "SelfSubjectRulesReview",
        "apiVersion": f"{GROUP}/v1",
        "metadata": {},
        "spec": {"namespace": namespace},
        "status": {k: (list(v) if isinstance(v, list) else v) for k, v in ALLOW_ALL_RULES.items()},
    }


SubjectAccessReviewSpec = struct(
    A + "SubjectAccessReviewSpec",
    "The request to check and who makes it; exactly one of the two attribute sets.",
    resourceAttributes=f(ResourceAttributes, "A resource request.", proto=1),
    nonResourceAttributes=f(NonResourceAttributes, "A non-resource request.", proto=2),
    user=f(STRING, "The user to test for.", proto=3),
    groups=f(list_of(STRING), "The groups to test for.", list_type="atomic", proto=4),
    extra=f(
        map_of(list_of(STRING)), "Extra attributes of the user, as the authenticator gave them.", proto=5
    ),
    uid=f(STRING, "UID of the user.", proto=6),
)


def _subject_review(kind: str, namespaced: bool) -> Any:
    return kind_struct(
        A + kind,
        "Asks whether a given user may perform an action" + (" in a namespace." if namespaced else "."),
        GROUP,
        "v1",
        kind,
        extra={
            "spec": f(SubjectAccessReviewSpec, "The request to evaluate.", required=True, proto=2),
            "status": f(SubjectAccessReviewStatus, "The answer, filled in by the server.", proto=3),
        },
    )


SubjectAccessReview = _subject_review("SubjectAccessReview", False)
LocalSubjectAccessReview = _subject_review("LocalSubjectAccessReview", True)


def validate_subject_review(review: Obj, namespace: str) -> list[FieldError]:
    """ValidateSubjectAccessReview(Spec) and, for the local kind, the namespace rule."""
    spec = review.get("spec") or {}
    errs = validate_review({"spec": spec})
    if not spec.get("user") and not spec.get("groups"):
        errs.append(
            invalid("spec.user", spec.get("user", ""), "at least one of user or group must be specified")
        )
    ra = spec.get("resourceAttributes")
    if namespace and ra is not None and ra.get("namespace", "") != namespace:
        errs.append(
            invalid(
                "spec.resourceAttributes.namespace", ra.get("namespace", ""), "must match metadata.namespace"
            )
        )
    return errs


def subject_review(kind: str) -> Any:
    def answer(obj: Obj, ctx: Context) -> Obj:
        errs = validate_subject_review(obj, ctx.namespace if kind.startswith("Local") else "")
        if errs:
            raise invalid_error(kind, "", errs, GROUP)
        meta = {"namespace": ctx.namespace} if kind.startswith("Local") else {}
        return {
            "kind": kind,
            "apiVersion": f"{GROUP}/v1",
            "metadata": meta,
            "spec": obj.get("spec") or {},
            "status": {"allowed": True},
        }

    return answer


RESOURCES = [
    Resource(
        group=GROUP,
        version="v1",
        kind="SelfSubjectAccessReview",
        plural="selfsubjectaccessreviews",
        namespaced=False,
        schema=SelfSubjectAccessReview,
        strategy=ReviewStrategy(),
        verbs=("create",),
        virtual=review,
    ),
    Resource(
        group=GROUP,
        version="v1",
        kind="SelfSubjectRulesReview",
        plural="selfsubjectrulesreviews",
        namespaced=False,
        schema=SelfSubjectRulesReview,
        strategy=Strategy(),
        verbs=("create",),
        virtual=rules_review,
    ),
    Resource(
        group=GROUP,
        version="v1",
        kind="SubjectAccessReview",
        plural="subjectaccessreviews",
        namespaced=False,
        schema=SubjectAccessReview,
        strategy=Strategy(),
        verbs=("create",),
        virtual=subject_review("SubjectAccessReview"),
    ),
    Resource(
        group=GROUP,
        version="v1",
        kind="LocalSubjectAccessReview",
        plural="localsubjectaccessreviews",
        namespaced=True,
        schema=LocalSubjectAccessReview,
        strategy=Strategy(),
        verbs=("create",),
        virtual=subject_review("LocalSubjectAccessReview"),
    ),
]
