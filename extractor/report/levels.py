"""Administrative level of a reporting agency (tỉnh / huyện / xã / trung ương) from its name, by the rules
of `patterns/agency_levels.yaml`; the form's default level when the name gives none."""

from __future__ import annotations

from extractor.report.config import levels_config
from extractor.text.normalize import fold


def agency_key(name: str | None) -> str:
    """A key equal for spellings of one agency name that differ in case, tones, Unicode form or spacing."""
    return " ".join(fold(name or "").split())


def level_of(agency: str | None, form_id: str | None = None) -> str:
    """The level key of `agency` (see `levels_config().labels`), `unknown` when no rule or default fits."""
    cfg = levels_config()
    key = agency_key(agency)
    if key:
        for rule in cfg.rules:
            if rule.pattern.search(key):
                return rule.level
    return cfg.form_defaults.get(form_id or "", cfg.unknown)
