"""Every example of every rule of every language data file, run by the checker its stage registered."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import chronique
from chronique.lang import checkers, iter_examples
from chronique.pipeline import registered_stages

# Importing every stage module registers its checker.
registered_stages()
for _module in pkgutil.walk_packages(chronique.__path__, "chronique."):
    if _module.name == "chronique.__main__" or _module.name.startswith(("chronique.cli", "chronique.server")):
        continue
    try:
        importlib.import_module(_module.name)
    except ImportError:  # a module whose optional dependency is missing registers nothing
        continue

CASES = [
    pytest.param(name, lang, rule, example, id=f"{name}-{lang}-{rule.get('concept', '?')}-{index}")
    for name in sorted(checkers())
    for index, (lang, rule, example) in enumerate(iter_examples(name))
]


@pytest.mark.parametrize(("name", "lang", "rule", "example"), CASES)
def test_example(name: str, lang: str, rule: dict[str, Any], example: Any) -> None:
    checkers()[name](lang, rule, example)
