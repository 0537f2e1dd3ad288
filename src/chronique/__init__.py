"""chronique: raw news articles in, a trustworthy timeline of events out.

The Python API is the product; the `chronique` command, the REST API and the web page are thin layers
over these names.
"""

from __future__ import annotations

from chronique.errors import ChroniqueError, InputError
from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span
from chronique.pipeline import Pipeline
from chronique.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "ChroniqueError",
    "Document",
    "FuzzyDate",
    "Granularity",
    "InputError",
    "Pipeline",
    "Provenance",
    "Settings",
    "Span",
    "__version__",
    "load_settings",
]
