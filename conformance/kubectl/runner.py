"""Run a real kubectl against a live kubepy and compare what it prints with what Kubernetes prints.

`Kubectl` is the only I/O here: one subprocess per command, in a private HOME (its own discovery
cache and ~/.kube) with its own KUBECONFIG. Everything else is pure: the normalisation that makes
output comparable (ages, cluster IPs, uids, timestamps, column padding) and the expected lines whose
wording changed between kubectl versions.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The minors the suite runs against (oldest and newest the project promises, and two between).
VERSIONS = ("1.24", "1.28", "1.33", "1.37")
_KLOG = re.compile(r"[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+ +\d+ [\w.]+:\d+\] ")
#: Every command gets this long; a kubectl that hangs fails its scenario instead of the suite.
COMMAND_TIMEOUT = 30.0


def minor(version: str) -> tuple[int, int]:
    major, mnr = version.split(".")[:2]
    return int(major), int(mnr)


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    rc: int
    out: str
    err: str

    def ok(self) -> Result:
        """Self when kubectl exited 0; otherwise an AssertionError that shows what it said."""
        assert self.rc == 0, f"kubectl {' '.join(self.args)} exited {self.rc}:\n{self.err}{self.out}"
        return self

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def message(self) -> str:
        """stderr without client-go's klog lines (`E1126 01:44:03.7 ... reflector.go:227] ...`),
        which a busy machine can add when a deadline cuts a watch being set up."""
        return "".join(ln for ln in self.err.splitlines(keepends=True) if not _KLOG.match(ln))


@dataclass
class Kubectl:
    """One kubectl binary bound to one kubeconfig and one private HOME."""

    binary: Path
    version: str  # "1.24"
    kubeconfig: Path
    home: Path
    env: dict[str, str] = field(default_factory=dict)

    def environ(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        return {
            **base,
            "HOME": str(self.home),
            "KUBECONFIG": str(self.kubeconfig),
            **self.env,
            **(extra or {}),
        }

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
        cwd: Path | None = None,
    ) -> Result:
        try:
            p = subprocess.run(
                [str(self.binary), *args],
                input=stdin,
                capture_output=True,
                text=True,
                env=self.environ(env),
                timeout=timeout,
                cwd=cwd or self.home,
            )
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            return Result(tuple(args), -9, out, f"timed out after {timeout}s")
        return Result(tuple(args), p.returncode, p.stdout, p.stderr)

    def __call__(self, *args: str, **kw: object) -> str:
        """stdout of a command that must succeed."""
        return self.run(*args, **kw).ok().out  # type: ignore[arg-type]

    def at_least(self, version: str) -> bool:
        return minor(self.version) >= minor(version)

    # ---- wording that changed between kubectl versions -------------------------------------
    def deleted(self, resource: str, name: str, namespace: str | None = "default") -> str:
        """`kind "name" deleted`; kubectl after 1.33 (seen in 1.37) names a namespaced object's namespace."""
        line = f'{resource} "{name}" deleted'
        if namespace and self.at_least("1.34"):
            line += f" from {namespace} namespace"
        return line


# ---- normalisation (pure) -----------------------------------------------------------------------
_AGE = re.compile(r"(?<![\w.:/-])(?:\d+y)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?![\w.:/-])")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_UID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")
_RV = re.compile(r'(resourceVersion:\s*|"resourceVersion":\s*)"\d+"')
_DESCRIBE_TIME = re.compile(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")
_CELL_GAP = re.compile(r" {2,}|\t")


def _age_token(token: str) -> str:
    return "<age>" if token and _AGE.fullmatch(token) else token


def normalize(text: str, *, keep_ips: Sequence[str] = ()) -> list[str]:
    """Lines with what differs between two correct runs replaced: uids, timestamps, resource
    versions, cluster IPs (except `keep_ips`, e.g. the book's fixed clusterIPs), ages; and cells
    separated by ` | ` instead of padding, since column widths follow the widest IP or age."""
    out = []
    for line in text.rstrip("\n").splitlines():
        line = _UID.sub("<uid>", line)
        line = _TIMESTAMP.sub("<time>", line)
        line = _DESCRIBE_TIME.sub("<time>", line)
        line = _RV.sub(r'\1"<rv>"', line)
        line = _IPV4.sub(lambda m: m.group(0) if m.group(0) in keep_ips else "<ip>", line)
        body = line.rstrip().lstrip(" ")
        indent = " " * (len(line.rstrip()) - len(body))  # describe nests by indentation
        out.append(indent + " | ".join(_age_token(c) for c in _CELL_GAP.split(body)))
    return out


def table(text: str, **kw: Sequence[str]) -> list[str]:
    """`normalize` for a table whose expected form is written with any padding."""
    return normalize(text, **kw)


# ---- manifests ----------------------------------------------------------------------------------
#: The book's example files (shared/ sits beside the repository).
BOOK = Path(__file__).resolve().parents[3] / "shared" / "book"


def write_yaml(directory: Path, name: str, obj: object) -> Path:
    """Write `obj` as a manifest file kubectl can read (-f), returning its path."""
    import yaml

    path = directory / name
    path.write_text(yaml.safe_dump(obj, sort_keys=False))
    return path


def configmap(name: str, data: Mapping[str, str], labels: Mapping[str, str] | None = None) -> dict:
    meta: dict[str, object] = {"name": name}
    if labels:
        meta["labels"] = dict(labels)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": dict(data)}
