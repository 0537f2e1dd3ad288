"""Per-language rule data: `lang/<iso>/<name>.toml`, keyed by language-neutral concepts.

Every rule carries its own `examples`. The stage that owns a data file registers a checker with
`register_checker(name)`; one parametrised test (tests/test_lang_examples.py) runs every example of
every language through it. Adding a language is adding a folder.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "LANG_DIR",
    "ExampleChecker",
    "available_languages",
    "checkers",
    "iter_examples",
    "load_rules",
    "register_checker",
]

LANG_DIR = Path(__file__).parent

# checker(lang, rule, example) raises AssertionError with a readable message when the example fails.
ExampleChecker = Callable[[str, dict[str, Any], Any], None]
_CHECKERS: dict[str, ExampleChecker] = {}


def available_languages() -> list[str]:
    """ISO codes that have a data folder."""
    return sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


@functools.cache
def load_rules(lang: str, name: str) -> dict[str, Any]:
    """The parsed `lang/<lang>/<name>.toml` (empty when the language has no such file)."""
    path = LANG_DIR / lang / f"{name}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def register_checker(name: str) -> Callable[[ExampleChecker], ExampleChecker]:
    """Declare the function that checks the examples of the `<name>.toml` files."""

    def decorator(fn: ExampleChecker) -> ExampleChecker:
        _CHECKERS[name] = fn
        return fn

    return decorator


def checkers() -> dict[str, ExampleChecker]:
    return dict(_CHECKERS)


def iter_examples(name: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(lang, rule, example) for every rule of every language's `<name>.toml` that has examples.

    Rules are the tables of any array of tables in the file (e.g. `[[rule]]`, `[[phrase]]`).
    """
    for lang in available_languages():
        data = load_rules(lang, name)
        for value in data.values():
            if isinstance(value, list):
                for rule in value:
                    if isinstance(rule, dict):
                        for example in rule.get("examples", []):
                            yield lang, rule, example
