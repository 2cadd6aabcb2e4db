"""Turn returned Vietnamese survey forms into structured, reviewed data."""

__version__ = "0.1.0"
