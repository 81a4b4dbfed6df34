"""The synthesis report as one self-contained HTML page (and PDF through a headless Chromium).

Core side: Jinja2 templates with autoescape on (``templates/``), SVG charts written by pure
functions (:mod:`.svg`), the framework matrix and vignettes (:mod:`.matrix`), the page
(:mod:`.page`), printing (:mod:`.pdf`). Imports neither typer nor rich; Jinja2 only when a page
is built.
"""
