"""The `chronique` command: thin verbs over the Python API (one module per area registers its verbs)."""

from __future__ import annotations

from chronique.cli.common import app

# Each import registers that area's commands on `app` (and `eval_app`).
from chronique.cli import ingest  # noqa: F401  isort: skip
from chronique.cli import dates  # noqa: F401  isort: skip
from chronique.cli import timex  # noqa: F401  isort: skip
from chronique.cli import clean  # noqa: F401  isort: skip
from chronique.cli import timeline  # noqa: F401  isort: skip
from chronique.cli import serve  # noqa: F401  isort: skip
from chronique.cli import entities  # noqa: F401  isort: skip
from chronique.cli import extract  # noqa: F401  isort: skip

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `chronique` script."""
    app()
