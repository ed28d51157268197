"""Build kubepy: the package plus every `kubepy/_fast/*_c.py` compiled by Cython, and the LMDB
binding `kubepy/_fast/lmdb_c.pyx` linked against the system liblmdb (Debian: liblmdb-dev).

A compile error fails the build; there is no silent fallback. `KUBEPY_NO_EXTENSIONS=1` builds no
extension at all (and removes in-place leftovers of an earlier build), so the twins run.
Each build that compiles writes `kubepy/_fast/_built.txt` listing the modules it built; the tests
use it to fail when an extension was built but the facade did not load it.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
FAST = HERE / "kubepy" / "_fast"
MARKER = "_built.txt"
NO_EXTENSIONS = os.environ.get("KUBEPY_NO_EXTENSIONS", "") not in ("", "0")


def compiled_sources() -> list[str]:
    """The twins to compile: `*_c.py` (symlinks to `*_py.py`) with a `.pxd` beside them."""
    return sorted(str(p.relative_to(HERE)) for p in FAST.glob("*_c.py"))


#: Extensions written in Cython alone (their twin is a library), with the C libraries they link.
BINDINGS = {"lmdb_c": ["lmdb"]}


def remove_inplace_builds() -> None:
    """Drop extensions and the marker that an earlier in-place build left next to the sources."""
    for path in FAST.glob("*_c.*"):
        if path.suffix in (".so", ".pyd"):
            path.unlink()
    (FAST / MARKER).unlink(missing_ok=True)


def extensions() -> list:
    if NO_EXTENSIONS:
        remove_inplace_builds()
        return []
    from Cython.Build import cythonize
    from setuptools import Extension

    bindings = [
        Extension(f"kubepy._fast.{name}", [f"kubepy/_fast/{name}.pyx"], libraries=libs)
        for name, libs in BINDINGS.items()
    ]
    return cythonize(
        [*compiled_sources(), *bindings],
        language_level=3,
        compiler_directives={"annotation_typing": False},
        quiet=True,
    )


class BuildExt(build_ext):
    """build_ext that stops on the first compile error and writes the built-modules marker."""

    def run(self) -> None:
        super().run()
        built = sorted(ext.name.rsplit(".", 1)[-1] for ext in self.extensions)
        targets = {Path(self.build_lib) / "kubepy" / "_fast"}
        if self.inplace or getattr(self, "editable_mode", False):
            targets.add(FAST)
        for target in targets:
            target.mkdir(parents=True, exist_ok=True)
            (target / MARKER).write_text("".join(f"{name}\n" for name in built))


setup(
    name="kubepy",
    version="0.1.0",
    description="Kubernetes rebuilt in Python, speaking today's Kubernetes API",
    python_requires=">=3.11",
    packages=find_packages(include=["kubepy", "kubepy.*"]),
    package_data={"kubepy._fast": ["*.pxd"]},
    ext_modules=extensions(),
    cmdclass={"build_ext": BuildExt},
    install_requires=[
        "starlette>=0.37",
        "uvicorn>=0.30",
        "httptools>=0.6",
        "uvloop>=0.19; sys_platform != 'win32'",
        "orjson>=3.9",
        "lmdb>=1.4",
        "pyyaml>=6.0",
        "websockets>=12",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-asyncio>=0.23",
            "pytest-benchmark>=4",
            "hypothesis>=6",
            "httpx>=0.27",
            "kubernetes>=29",
            "ruff>=0.5",
            # cross-checks our own protobuf codec against Google's runtime (tests only)
            "protobuf>=5",
        ],
    },
    entry_points={"console_scripts": ["kubepy = kubepy.cli:main"]},
    zip_safe=False,
)
