"""The report as PDF, printed by a headless Chromium when one is installed (no other PDF stack:
the page's print stylesheet lays out the A4 pages)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pcrcode.errors import PcrcodeError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Flags that keep the browser from reaching the network or writing a profile of its own.
QUIET_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
)
TIMEOUT = 120  # seconds for the browser to print the page


def find_browser() -> str | None:
    """The first Chromium on PATH (``$PCRCODE_CHROMIUM`` first when set)."""
    explicit = os.environ.get("PCRCODE_CHROMIUM")
    if explicit:
        return shutil.which(explicit)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: str) -> bytes:
    """The PDF of a page; :class:`PcrcodeError` when no browser is installed or it fails."""
    browser = find_browser()
    if browser is None:
        raise PcrcodeError(
            "a PDF needs Chromium (none found on PATH): install it (e.g. apt-get install "
            "chromium), or write the HTML page and print it from a browser",
            about="pdf",
        )
    with tempfile.TemporaryDirectory(prefix="pcrcode-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        command = [
            browser,
            *QUIET_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PcrcodeError(f"{browser} could not print the page: {err}") from None
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
            raise PcrcodeError(
                f"{browser} could not print the page (exit {done.returncode}) {last}"
            )
        return out.read_bytes()
