"""The REST API and the web page (#6): `create_app(db_path, *, writable=False)` gives the FastAPI app.

`create_app` is imported on first use, so that `chronique.ask` (which formats dates with
`chronique.server.render`) and `import chronique` do not load FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chronique.server.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from chronique.server.app import create_app

        return create_app
    raise AttributeError(f"module 'chronique.server' has no attribute {name!r}")
