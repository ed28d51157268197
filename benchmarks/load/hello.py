"""The machine's ceiling: a bare Starlette hello-world served exactly as kubepy serves its apiserver.

python benchmarks/load/hello.py PORT
"""

from __future__ import annotations

import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from kubepy import log, run


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


app = Starlette(routes=[Route("/", hello), Route("/readyz", hello)])


def main() -> int:
    log.setup(0)
    port = int(sys.argv[1])
    return run.run(lambda: [run.http_component("hello", app, "127.0.0.1", port)])


if __name__ == "__main__":
    sys.exit(main())
