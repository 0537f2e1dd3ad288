"""Stages and the pipeline that runs them, with contracts checked when the pipeline is built.

A per-document stage is a callable `Document -> Document` made by a registered factory. It declares
what it `requires` and what it `assigns`: document fields (`raw`, `text`, `lang`, `published`) or
layers (`sentences`, `timex` …). `Pipeline` refuses an order in which a requirement is assigned by no
earlier stage, and names the stage that would provide it.

    @register_stage("sentences", requires=("text", "lang"), assigns=("paragraphs", "sentences"))
    def make_sentences(settings: Settings) -> StageFn: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from chronique.errors import PipelineError
from chronique.model import Document
from chronique.settings import Settings

__all__ = [
    "DEFAULT_STAGES",
    "READER_ASSIGNS",
    "Pipeline",
    "StageFn",
    "StageSpec",
    "register_stage",
    "registered_stages",
]

StageFn = Callable[[Document], Document]
StageFactory = Callable[[Settings], StageFn]

# What every reader fills in before any stage runs.
READER_ASSIGNS: frozenset[str] = frozenset({"raw", "source", "url", "title", "meta"})

# The per-document flow of DESIGN.md, in order. Stages not registered (not yet imported) are skipped
# by `Pipeline.default`, never silently reordered.
DEFAULT_STAGES: tuple[str, ...] = (
    "clean",
    "language",
    "sentences",
    "timex",
    "docdate",
    "entities",
    "events",
    "quotes",
    "figures",
)


@dataclass(frozen=True, slots=True)
class StageSpec:
    name: str
    requires: frozenset[str]
    assigns: frozenset[str]
    factory: StageFactory
    module: str


_REGISTRY: dict[str, StageSpec] = {}

# Where each built-in stage lives, so that `Pipeline` can import it on demand (keeps start-up light).
_STAGE_MODULES: dict[str, str] = {
    "clean": "chronique.clean",
    "language": "chronique.language",
    "sentences": "chronique.sentences",
    "timex": "chronique.timex",
    "docdate": "chronique.docdate",
    "entities": "chronique.entities",
    "events": "chronique.events",
    "quotes": "chronique.quotes",
    "figures": "chronique.figures",
}


def register_stage(
    name: str, *, requires: Iterable[str], assigns: Iterable[str]
) -> Callable[[StageFactory], StageFactory]:
    """Register a stage factory under `name` with its contract."""

    def decorator(factory: StageFactory) -> StageFactory:
        _REGISTRY[name] = StageSpec(
            name, frozenset(requires), frozenset(assigns), factory, factory.__module__
        )
        return factory

    return decorator


def _spec(name: str) -> StageSpec:
    if name not in _REGISTRY and name in _STAGE_MODULES:
        try:
            __import__(_STAGE_MODULES[name])
        except ModuleNotFoundError as exc:
            if exc.name != _STAGE_MODULES[name]:
                raise
    if name not in _REGISTRY:
        known = ", ".join(sorted(set(_REGISTRY) | set(_STAGE_MODULES)))
        raise PipelineError(f"no stage named {name!r}; known stages: {known}")
    return _REGISTRY[name]


def registered_stages() -> dict[str, StageSpec]:
    """Every stage importable now, by name."""
    for name in _STAGE_MODULES:
        try:
            _spec(name)
        except PipelineError:
            continue
    return dict(_REGISTRY)


class Pipeline:
    """An ordered, contract-checked list of per-document stages."""

    def __init__(self, names: Sequence[str], settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.specs = [_spec(name) for name in names]
        available = set(READER_ASSIGNS)
        for index, spec in enumerate(self.specs):
            missing = spec.requires - available
            if missing:
                providers = sorted(
                    {s.name for s in _REGISTRY.values() for m in missing if m in s.assigns} or {"?"}
                )
                raise PipelineError(
                    f"stage {spec.name!r} (position {index + 1}) requires {', '.join(sorted(missing))}, "
                    f"which no earlier stage assigns; add {' or '.join(repr(p) for p in providers)} before it"
                )
            available |= spec.assigns
        self._fns: list[StageFn] | None = None
        # Installed stages that `default` left out because what they require is not installed.
        self.skipped: list[str] = []

    @classmethod
    def default(cls, settings: Settings | None = None, *, until: str | None = None) -> Pipeline:
        """The DESIGN flow, with every stage that is installed, optionally stopping after `until`.

        A stage whose requirements no installed earlier stage assigns is left out too (an `events`
        stage without `entities`), and listed in `skipped`: `Pipeline(names)` is the strict form.
        """
        names: list[str] = []
        skipped: list[str] = []
        available = set(READER_ASSIGNS)
        for name in DEFAULT_STAGES:
            try:
                spec = _spec(name)
            except PipelineError:
                continue
            if spec.requires - available:
                skipped.append(name)
            else:
                names.append(name)
                available |= spec.assigns
            if name == until:
                break
        pipeline = cls(names, settings)
        pipeline.skipped = skipped
        return pipeline

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.specs]

    def _functions(self) -> list[StageFn]:
        # Factories load models; build them on first use so that constructing a pipeline stays cheap.
        if self._fns is None:
            self._fns = [spec.factory(self.settings) for spec in self.specs]
        return self._fns

    def __call__(self, doc: Document) -> Document:
        for fn in self._functions():
            doc = fn(doc)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)
