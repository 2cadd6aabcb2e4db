"""One-to-one assignment (`extractor.matching.Matcher._uncross`): two slots whose labels were reworded each towards
the other's field get the pairing with the better summed score, not the one the best single pair imposes."""

from __future__ import annotations

from typing import Any

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


# -- signature dates placed by order (issue 15: "signature dates on the wrong date field") --------------------------
def _form_template(m: Matcher, field: str, form: str = "f001") -> Any:
    return next(t for t in m.cat.forms[form].slots if t.field == field)


def test_typed_dates_take_date_fields_from_empty_blanks_and_go_in_form_order() -> None:
    """`……, 18/09/2017` and `……, ngày 10 tháng 9 năm 2019` under the signatures match no label; an empty blank above
    (`Thư điện tử: …`) held report.head_date by order. The typed dates need both date fields more than the empty
    blank does, and take them in the form's order: the first typed date the form's first date field."""
    from extractor.matching import Match
    m = Matcher(load_catalogue())
    email = _form_template(m, "contact.email")
    head = _form_template(m, "report.head_date")
    matches = [
        Match(Slot("blank", "Thư điện tử", raw="a@b.vn", order=1), email.field, email, 1.05),
        Match(Slot("blank", "Thư điện tử: a@b.vn", order=2), head.field, head, 0.62),  # empty, holds a date field
        Match(Slot("blank", "", raw="18/09/2017", order=3), None, None, 0.35),
        Match(Slot("blank", "", raw="ngày 10 tháng 9 năm 2019", order=4), None, None, 0.35),
    ]
    m._fill_gaps(matches, "f001")
    assert [x.field_id for x in matches] == ["contact.email", None, "report.date", "report.head_date"]


def test_a_date_matched_by_a_weak_label_is_put_in_form_order_with_the_placed_ones() -> None:
    from extractor.matching import Match
    m = Matcher(load_catalogue())
    date = _form_template(m, "report.date")
    email = _form_template(m, "contact.email")
    matches = [
        Match(Slot("blank", "Thư điện tử", raw="a@b.vn", order=1), email.field, email, 1.05),
        Match(Slot("blank", "", raw="02/02/2018", order=2), None, None, 0.35),
        # the later date took report.date by a weak label (`(Ký và ghi rõ họ, tên)`, 0.71)
        Match(Slot("blank", "(Ký và ghi rõ họ, tên)", raw="ngày 8 tháng 12 năm 2019", order=3), date.field, date, 0.71),
    ]
    m._fill_gaps(matches, "f001")
    assert [x.field_id for x in matches] == ["contact.email", "report.date", "report.head_date"]
    # a date its label placed surely keeps its field
    matches[2].score = 0.95
    matches[1].field_id = matches[1].template = None
    matches[2].field_id, matches[2].template = date.field, date
    m._fill_gaps(matches, "f001")
    assert [x.field_id for x in matches] == ["contact.email", "report.head_date", "report.date"]
