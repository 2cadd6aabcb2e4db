"""The DOCX reader's set-up for tests that walk a package's main part by hand: its parsed tree and a walker that
has read the package's styles, as `read_docx` prepares them."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from extractor.readers import docx as D


def parsed_main(data: bytes, path: str) -> tuple[etree._Element, D._Walker]:
    """The main part's root element of the DOCX `data` and a walker holding its styles (`path`: for messages)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    main = D.main_part_name(z)
    walker = D._Walker(D.CHECKBOXES)
    damage = D._Damage()
    root = D._parse(D._read_part(z, main, path), main, path, damage)
    D._load_styles(z, main, path, walker, damage)
    return root, walker
