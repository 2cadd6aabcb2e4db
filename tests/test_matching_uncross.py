"""One-to-one assignment (`extractor.matching.Matcher._uncross`): two slots whose labels were reworded each towards
the other's field get the pairing with the better summed score, not the one the best single pair imposes."""

from __future__ import annotations

import numpy as np

from extractor.catalogue import load_catalogue
from extractor.matching import Matcher
from extractor.slots import Slot


def _templates(m: Matcher, *fields: str) -> list[int]:
    return [next(j for j, t in enumerate(m.tpl.slots) if t.field == f and t.form == "f000") for f in fields]


def test_crossed_pairs_are_swapped_when_the_sum_is_better() -> None:
    """`Điện thoại liên hệ` (top, contact.phone 0.945, officer 1.002) and `Số điện thoại liên lạc` (section G,
    contact 0.836, officer 0.908): the best pair first gives the top slot the officer's phone; the swap sums higher."""
    m = Matcher(load_catalogue())
    contact, officer = _templates(m, "contact.phone", "it_staff.officer.phone")
    S = np.zeros((2, len(m.tpl.slots)))
    S[0, contact], S[0, officer] = 0.945, 1.002
    S[1, contact], S[1, officer] = 0.836, 0.908
    matches = m._greedy([Slot("blank", "Điện thoại liên hệ", order=1), Slot("blank", "Số điện thoại liên lạc",
                                                                           order=2)], m.tpl.slots, S, "f000")
    assert [x.field_id for x in matches] == ["contact.phone", "it_staff.officer.phone"]


def test_pairs_are_kept_when_the_swap_is_no_better_or_below_the_floor() -> None:
    m = Matcher(load_catalogue())
    contact, officer = _templates(m, "contact.phone", "it_staff.officer.phone")
    chosen = {0: officer, 1: contact}
    S = np.zeros((2, len(m.tpl.slots)))
    S[0, contact], S[0, officer] = 0.90, 1.00
    S[1, contact], S[1, officer] = 0.80, 0.85  # swap: 1.75 < 1.80
    m._uncross(S, chosen, "f000")
    assert chosen == {0: officer, 1: contact}
    S[1, contact], S[1, officer] = 0.20, 0.95  # swap sums higher, but slot 1 would take a field below min_score
    S[0, contact] = 0.30
    m._uncross(S, chosen, "f000")
    assert chosen == {0: officer, 1: contact}
