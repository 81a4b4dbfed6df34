"""Presentation: every way the command line writes rows, reports and text (JSON, CSV, Markdown,
terminal tables, wrapped text, progress). Only ``pcrcode.cli`` imports these modules."""
