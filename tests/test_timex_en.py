"""English time expressions: spans and values following the TempEval-3 conventions (#3)."""

from __future__ import annotations

import pytest

from chronique.timex import tag


def found(text: str, dct: str | None = None) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], str(s.attrs["value"])) for s in tag(text, lang="en", dct=dct)]


@pytest.mark.parametrize(
    ("text", "dct", "expected"),
    [
        # a clock time and the date it is on are one expression
        (
            "Holders may tender until 5 p.m. EST Nov. 9.",
            "1989-11-02",
            [("5 p.m. EST Nov. 9", "1989-11-09T17:00")],
        ),
        ("It expires at 5 p.m. EST, Nov. 6.", "1989-10-30", [("5 p.m. EST, Nov. 6", "1989-11-06T17:00")]),
        # the week holding a day
        ("a hearing the week of March 6", "2000-02-24", [("the week of March 6", "2000-W10")]),
        # "the night of <date>": the date alone is the expression
        ("He was shot on the night of Oct. 23.", "1998-11-21", [("Oct. 23", "1998-10-23")]),
        ("tapes from the night the plane went down", "1998-01-14", []),
        # a compound "-long" gives a length
        ("their third day-long meeting", None, [("day-long", "P1D")]),
        ("the decades-long battle", None, [("decades-long", "PXY")]),
        # "a second" before a noun is an ordinal
        ("it will be a second betrayal", "2000-04-17", []),
        ("A second group of directors", "1989-10-27", []),
        # a day part before a relative day
        (
            "Trading halted in mid-afternoon yesterday.",
            "1989-11-02",
            [("mid-afternoon yesterday", "1989-11-01TAF")],
        ),
        # "the quarter a year ago" is one expression, the quarter of the year before
        (
            "For the quarter a year ago, it earned $16 million.",
            "1989-10-26",
            [("the quarter a year ago", "1988-Q3")],
        ),
        # "the early summer" is a definite season: the one nearest the document date
        ("from the low levels of the early summer", "1989-10-26", [("the early summer", "1989-SU")]),
        ("Sales rise in early summer.", "1989-10-26", [("early summer", "XXXX-SU")]),
        # "until", "through": an end point, most often ahead
        ("The bank extended loans through January.", "1989-10-30", [("January", "1990-01")]),
        # ... but "through" a place is no end point: the weekday stays behind
        (
            "The bullet tore through his kitchen window Friday night.",
            "1998-10-25",
            [("Friday night", "1998-10-23TNI")],
        ),
        # "the previous Friday" is counted from the day being told, "last Friday" from the document's
        (
            "Shares fell Friday, down 4.5% from the previous Friday.",
            "1989-10-30",
            [("Friday", "1989-10-27"), ("the previous Friday", "1989-10-20")],
        ),
        (
            "Shares fell Friday, down 4.5% from last Friday.",
            "1989-10-30",
            [("Friday", "1989-10-27"), ("last Friday", "1989-10-27")],
        ),
        (
            "It was founded in 1995; the previous year, he left.",
            "1998-04-18",
            [("1995", "1995"), ("the previous year", "1994")],
        ),
        # the full stop of "Mr." ends no clause: the tense after it still counts
        ("On Friday, Mr. Smith will announce his plans.", "1998-08-05", [("Friday", "1998-08-07")]),
        # a holiday counted from a weekday rule: the Tuesday after the first Monday of November
        ("Polls close on Election Day.", "1998-10-26", [("Election Day", "1998-11-03")]),
        ("Polls close on Election Day.", "2000-10-20", [("Election Day", "2000-11-07")]),
        # the present of a scheduled act, plural subject too, is ahead; "did not meet" is not
        ("The two leaders meet Monday in London.", "1998-05-01", [("Monday", "1998-05-04")]),
        ("The two leaders did not meet Monday.", "1998-05-01", [("Monday", "1998-04-27")]),
        # a clock hour and its part of the day
        ("He will leave at 4 in the morning.", "2000-04-05", [("4 in the morning", "2000-04-05T04:00")]),
        ("They met at 8 in the evening.", "1998-08-07", [("8 in the evening", "1998-08-07T20:00")]),
        # a cue word before a month and day belongs to the date
        ("He was shot to death last Oct. 23 at his home.", "1999-04-19", [("last Oct. 23", "1998-10-23")]),
        ("The vote is set for next March 3.", "1998-03-10", [("next March 3", "1999-03-03")]),
        # a rate of hours per day is no expression (TempEval-3)
        ("They watch the clinic 24 hours a day.", "1998-10-25", []),
        # "un-…ed" adjectives are no past tense
        ("It would be paid on a still unspecified date in January.", "1989-10-26", [("January", "1990-01")]),
    ],
)
def test_english_expressions(text: str, dct: str | None, expected: list[tuple[str, str]]) -> None:
    assert found(text, dct) == expected
