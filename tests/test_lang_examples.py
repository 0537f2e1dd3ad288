"""Every example of every rule of every language data file, run by the checker its stage registered (#2).

Ids read `<lang>-<file>-<rule>-<n>` (rule = its `id`, else its `concept`), e.g.
`fr-boilerplate-consent-click-0`.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import chronique
from chronique.lang import checkers, iter_examples
from chronique.pipeline import registered_stages

# Importing every stage module (and the other modules with data files) registers its checker.
registered_stages()
for _module in pkgutil.walk_packages(chronique.__path__, "chronique."):
    if _module.name == "chronique.__main__" or _module.name.startswith(("chronique.cli", "chronique.server")):
        continue
    try:
        importlib.import_module(_module.name)
    except ImportError:  # a module whose optional dependency is missing registers nothing
        continue


def _cases() -> list[Any]:
    cases = []
    for name in sorted(checkers()):
        counters: dict[str, int] = {}
        for lang, rule, example in iter_examples(name):
            key = f"{lang}-{name}-{rule.get('id') or rule.get('concept', '?')}"
            counters[key] = counters.get(key, -1) + 1
            cases.append(pytest.param(name, lang, rule, example, id=f"{key}-{counters[key]}"))
    return cases


@pytest.mark.parametrize(("name", "lang", "rule", "example"), _cases())
def test_example(name: str, lang: str, rule: dict[str, Any], example: Any) -> None:
    checkers()[name](lang, rule, example)
