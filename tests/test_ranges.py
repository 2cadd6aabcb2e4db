"""Options that are ranges of amounts (`extractor.text.ranges`): the bounds an option states, however worded."""

from __future__ import annotations

import pytest

from extractor.text.ranges import Bound, Range, read_range, same_bounds

MB, GB = "MB", "GB"


@pytest.mark.parametrize(("text", "lower", "upper"), [
    ("KT < 10 Mb", None, (10, MB)),
    ("10 Mb ≤ KT ≤ 20 Mb", (10, MB), (20, MB)),
    ("KT > 20 Mb", (20, MB), None),
    ("500 Mb < DL < 2Gb", (500, MB), (2, GB)),
    ("2Gb≤ DL ≤ 5Gb", (2, GB), (5, GB)),
    ("Dưới 10 Mb", None, (10, MB)),
    ("Từ 10 Mb đến 20 Mb", (10, MB), (20, MB)),
    ("Từ 10 đến 20 MB", (10, MB), (20, MB)),  # one unit for both bounds
    ("TRÊN 20 MB", (20, MB), None),
    ("Tren 5 Gb", (5, GB), None),  # typed without tones
    ("20 Mb trở lên", (20, MB), None),
    ("10 - 20 Mb", (10, MB), (20, MB)),
    ("Nhỏ hơn 2,5 GB", None, (2.5, GB)),
    ("20 > KT", None, (20, None)),
])
def test_read_range(text: str, lower: tuple[float, str | None] | None, upper: tuple[float, str | None] | None) -> None:
    expected = Range(Bound(*lower) if lower else None, Bound(*upper) if upper else None)
    assert read_range(text) == expected


@pytest.mark.parametrize("text", ["Khác (nêu rõ)", "Têrn 5 Gb", "Có 2 máy chủ", "1 2", "Trên 10 dưới 20 trên 30", ""])
def test_not_a_range(text: str) -> None:
    """No number, a number whose role no word or sign gives, or two bounds on one side."""
    assert read_range(text) is None


def test_same_bounds() -> None:
    printed = read_range("500 Mb < DL < 2Gb")
    assert printed is not None
    assert same_bounds(read_range("Dưới 2 Gb"), printed)  # type: ignore[arg-type]
    assert same_bounds(read_range("Từ 500 MB đến 2 GB"), printed)  # type: ignore[arg-type]
    assert same_bounds(read_range("Dưới 2"), printed)  # type: ignore[arg-type]  # no unit: the number decides
    assert not same_bounds(read_range("Trên 2 Gb"), printed)  # type: ignore[arg-type]  # the other side
    assert not same_bounds(read_range("Dưới 2 Mb"), printed)  # type: ignore[arg-type]  # another unit
    assert not same_bounds(Range(None, None), printed)
