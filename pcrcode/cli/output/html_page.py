"""``report --format html|pdf``: the page built by :mod:`pcrcode.html_report`, written
atomically (or printed on stdout for HTML without -o)."""

from __future__ import annotations

import sys
from pathlib import Path

from pcrcode.cli.common import note
from pcrcode.i18n import Messages
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.declaration import Synthesis
from pcrcode.reports.document import Document


def write_page(
    fmt: str,
    output: Path | None,
    document: Document,
    corpus: Corpus,
    synthesis: Synthesis,
    tr: Messages,
    depth: int | None,
) -> None:
    from pcrcode.files.atomic import write_bytes
    from pcrcode.html_report.page import render_page

    if fmt == "pdf":
        from pcrcode.html_report.pdf import print_pdf

        assert output is not None  # the command asks for -o first
        data = print_pdf(render_page(document, corpus, synthesis, tr, depth, printed=True))
        write_bytes(output, data)
        note(f"wrote {output}")
        return
    html = render_page(document, corpus, synthesis, tr, depth)
    if output is None:
        sys.stdout.write(html)
        return
    write_bytes(output, html.encode("utf-8"))
    note(f"wrote {output}")
