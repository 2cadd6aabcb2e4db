"""Review of low-confidence fields: a local web app over a results folder, decisions in SQLite, merged into
reviewed results by `extractor export-reviewed`, label aliases learnt into a patterns overlay.

    results.py      load a results folder (schema-valid extraction results only)
    store.py        SQLite decisions: append-only, versioned per item, undo
    validate.py     typed corrections with the extractor's parsers
    views.py        what the pages show (dicts; also the JSON twins)
    source_view.py  PDF crop / DOCX paragraph or table row of a field
    learn.py        label → field id aliases into <overlay>/aliases.yaml
    export.py       reviewed result JSONs
    app.py          the Flask app factory
    cli.py          `extractor review` and `extractor export-reviewed`
"""
