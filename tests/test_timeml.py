"""The TimeML reader and the TempEval-3 scorer, on hand-written files."""

from __future__ import annotations

from pathlib import Path

import pytest

from chronique.errors import InputError
from chronique.evaluate.timeml import GoldTimex, read_timeml, read_timeml_dir, score

TML = """<?xml version="1.0" encoding="UTF-8"?>
<TimeML>
<DOCID>t</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1999-05-17"
 functionInDocument="CREATION_TIME">1999-05-17</TIMEX3></DCT>
<TEXT>Il est arrivé <TIMEX3 tid="t1" type="DATE" value="1999-05-16">hier</TIMEX3> pour \
<EVENT eid="e1">rester</EVENT>
<TIMEX3 tid="t2" type="DURATION" value="P2W">deux <SIGNAL sid="s1">semaines</SIGNAL></TIMEX3> \
&amp; plus.</TEXT>
</TimeML>
"""


def test_read_timeml_offsets_and_dct(tmp_path: Path) -> None:
    path = tmp_path / "a.tml"
    path.write_text(TML, encoding="utf-8")
    doc = read_timeml(path)
    assert str(doc.dct) == "1999-05-17"
    assert doc.text.startswith("Il est arrivé hier pour rester\ndeux semaines & plus.")
    assert [(doc.text[t.start : t.end], t.type, t.value) for t in doc.timexes] == [
        ("hier", "DATE", "1999-05-16"),
        ("deux semaines", "DURATION", "P2W"),
    ]
    assert read_timeml_dir(tmp_path)[0].name == "a"


@pytest.mark.parametrize("content", ["<TimeML><TEXT>unclosed", "<TimeML><DOCID>x</DOCID></TimeML>"])
def test_bad_files_raise_input_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.tml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tml"):
        read_timeml(path)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \.tml"):
        read_timeml_dir(tmp_path)


def test_scores_follow_tempeval3() -> None:
    gold = [
        GoldTimex(0, 4, "DATE", "1999-05-16"),  # strict match, right value
        GoldTimex(10, 20, "DATE", "1999-05"),  # relaxed match, wrong value and type
        GoldTimex(30, 35, "DURATION", "P2W"),  # missed
    ]
    system = [
        GoldTimex(0, 4, "DATE", "1999-05-16"),
        GoldTimex(12, 25, "TIME", "1999-05-01"),
        GoldTimex(40, 45, "DATE", "1999"),  # spurious
    ]
    result = score(gold, system, name="d")
    assert (result.strict, result.relaxed, result.value, result.type) == (1, 2, 1, 1)
    figures = result.figures()
    assert figures["strict_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["relaxed_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["value_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert len(result.misses) == 3


def test_relaxed_matching_is_one_to_one() -> None:
    gold = [GoldTimex(0, 10, "DATE", "a")]
    system = [GoldTimex(0, 4, "DATE", "a"), GoldTimex(5, 10, "DATE", "a")]
    result = score(gold, system)
    assert (result.relaxed, result.system) == (1, 2)
