"""`chronique add`, `chronique docs`, `chronique show`: reading sources into the store (#2).

Work in progress: the verbs are registered as their Python API lands.
"""

from __future__ import annotations
