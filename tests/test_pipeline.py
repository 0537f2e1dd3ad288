"""Stage registry and contract-checked pipelines (#2)."""

from __future__ import annotations

import pytest

from chronique.errors import PipelineError
from chronique.model import Document
from chronique.pipeline import DEFAULT_STAGES, Pipeline, StageFn, register_stage, registered_stages
from chronique.settings import Settings

built: list[str] = []


def _upper(settings: Settings) -> StageFn:
    built.append("t_upper")

    def run(doc: Document) -> Document:
        doc.text = doc.text.upper()
        doc.lang = "fr"
        return doc

    return run


def _count(settings: Settings) -> StageFn:
    def run(doc: Document) -> Document:
        doc.meta["words"] = len(doc.text.split())
        return doc

    return run


register_stage("t_upper", requires=("raw",), assigns=("text", "lang"))(_upper)
register_stage("t_count", requires=("text", "lang"), assigns=("t_words",))(_count)
register_stage("t_needs_words", requires=("t_words",), assigns=())(_count)


def test_stages_run_in_order() -> None:
    pipeline = Pipeline(["t_upper", "t_count"])
    doc = pipeline(Document(raw="Kim à Hanoï", source="t"))
    assert (doc.text, doc.lang, doc.meta["words"]) == ("KIM À HANOÏ", "fr", 3)
    assert pipeline.names == ["t_upper", "t_count"]
    docs = [Document(raw="a", source="1"), Document(raw="b", source="2")]
    assert [d.text for d in pipeline.pipe(docs)] == ["A", "B"]


def test_factories_run_once_and_only_when_used() -> None:
    built.clear()
    pipeline = Pipeline(["t_upper"])
    assert built == []  # building a pipeline loads no model
    pipeline(Document(raw="x", source="t"))
    pipeline(Document(raw="y", source="t"))
    assert built == ["t_upper"]


def test_a_missing_requirement_names_the_stage_that_provides_it() -> None:
    with pytest.raises(PipelineError, match=r"'t_count' \(position 1\) requires lang, text.*'t_upper'"):
        Pipeline(["t_count", "t_upper"])


def test_unknown_stage() -> None:
    with pytest.raises(PipelineError, match=r"no stage named 'nope'; known stages:.*clean"):
        Pipeline(["nope"])


def test_default_follows_the_design_order_and_can_stop() -> None:
    pipeline = Pipeline.default(Settings())
    order = [name for name in DEFAULT_STAGES if name in pipeline.names]
    assert pipeline.names == order
    installed = [name for name in DEFAULT_STAGES if name in registered_stages()]
    assert set(pipeline.names) | set(pipeline.skipped) == set(installed)
    if pipeline.names:
        first = pipeline.names[0]
        assert Pipeline.default(Settings(), until=first).names == [first]


def test_default_leaves_out_stages_whose_requirements_are_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("chronique.pipeline.DEFAULT_STAGES", ("t_needs_words", "t_upper", "t_count"))
    pipeline = Pipeline.default()
    assert pipeline.names == ["t_upper", "t_count"]
    assert pipeline.skipped == ["t_needs_words"]
    with pytest.raises(PipelineError):
        Pipeline(["t_needs_words"])  # the strict form refuses
