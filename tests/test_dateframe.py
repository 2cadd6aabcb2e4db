"""Date frames of the corpus generator (corpora/dateframe.py): a signature date as the seed forms print it."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from corpora.dateframe import fill_frame, frame_date, parse_frame
from corpora.formdesc import _Loader
from extractor.blanks import split_line
from extractor.errors import PatternError

MONTH_PRINTED = "……, ngày ...... tháng  8 năm 2019"
ALL_DOTS = "…….., ngày ...... tháng ...... năm ......"


def test_parse_frame_knows_the_printed_parts() -> None:
    assert parse_frame(MONTH_PRINTED).fixed() == {"month": 8, "year": 2019}
    assert parse_frame(ALL_DOTS).fixed() == {}
    with pytest.raises(ValueError):
        parse_frame("ngày 15 tháng 8 năm 2019")  # nothing left to fill


def test_a_drawn_date_takes_the_printed_month_and_year() -> None:
    assert frame_date(parse_frame(MONTH_PRINTED), dt.date(2017, 3, 31)) == dt.date(2019, 8, 31)
    assert frame_date(parse_frame("ngày ...... tháng  2 năm 2019"), dt.date(2018, 5, 30)) == dt.date(2019, 2, 28)


@pytest.mark.parametrize("style", ["inside_leader", "replaced_leader", "before_short_leader", "after_leader",
                                   "space_only", "worked_example"])
@pytest.mark.parametrize("frame", [MONTH_PRINTED, ALL_DOTS])
def test_every_fill_of_a_frame_reads_back_as_its_date(style: str, frame: str) -> None:
    value = frame_date(parse_frame(frame), dt.date(2019, 10, 9))
    for seed in range(6):
        rng = random.Random(seed)
        place = "Tuy Hòa" if seed % 2 else None
        whole, date = fill_frame(parse_frame(frame), value, style, 0.3, rng, place)
        assert date in whole and (place is None or whole.startswith(place))
        regions = split_line("\t" + whole, ())
        assert len(regions) == 1, whole
        raw = regions[0].raw
        expected = {f"ngày {value.day} tháng {value.month} năm {value.year}",
                    f"{value.day:02d}/{value.month:02d}/{value.year}"}
        assert raw in expected, whole


def test_a_frame_is_for_date_blanks_only() -> None:
    parser = _Loader("f999.yaml")
    with pytest.raises(PatternError, match="date blanks only"):
        parser.segments("{report.date|text|frame=……, ngày ...... tháng  8 năm 2019}")
    with pytest.raises(PatternError, match="date frame"):
        parser.segments("{report.date|date|frame=ngày 15 tháng 8}")
