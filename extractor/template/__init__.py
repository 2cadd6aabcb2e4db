"""Add a form from its blank template: draft its patterns file (draft.py, write.py), check it (check.py),
measure drafting on the corpus (compare.py, measure.py); `extractor template` (command.py)."""
