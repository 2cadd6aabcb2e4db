"""Learning from corrections: a label a reviewer mapped to a field id is saved as an alias in a local
patterns overlay (`<overlay>/aliases.yaml`, the layout `extractor.catalogue` reads), so that
`extractor extract --patterns-overlay <overlay>` matches that wording next time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from extractor.catalogue import Catalogue
from extractor.errors import ReviewError

ALIASES = "aliases.yaml"
HEADER = ("# Label aliases learnt in `extractor review`: field id -> labels as found in returns.\n"
          "# Read by `extractor extract --patterns-overlay <this folder>` (or EXTRACTOR_PATTERNS_OVERLAY).\n")


def load_aliases(overlay: Path) -> dict[str, list[str]]:
    path = Path(overlay) / ALIASES
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ReviewError(f"cannot read the aliases: {exc}", path=str(path)) from exc
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ReviewError("aliases must map field ids to lists of labels", path=str(path))
    return {str(k): [str(x) for x in v] for k, v in data.items()}


def save_alias(overlay: Path, label: str, field_id: str, catalogue: Catalogue) -> bool:
    """Add `label` as an alias of `field_id`; False when it was already there. Written atomically."""
    label = " ".join(label.split())
    if not label:
        raise ReviewError("an empty label cannot be saved as an alias")
    if field_id not in catalogue.fields:
        raise ReviewError(f"field id {field_id!r} is not in the catalogue")
    overlay = Path(overlay)
    aliases = load_aliases(overlay)
    if label in aliases.get(field_id, []):
        return False
    aliases.setdefault(field_id, []).append(label)
    text = HEADER + yaml.safe_dump(dict(sorted(aliases.items())), allow_unicode=True, sort_keys=False, width=1000)
    overlay.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".yaml", dir=overlay)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, overlay / ALIASES)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
