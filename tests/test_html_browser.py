"""The HTML report opened in a real browser (headless Chromium, driven over the DevTools
protocol from the standard library: ``tests/chromium.py``). One build of the example, with a
script planted in a transcript and in a case's name, one browser, several assertions.

``PCRCODE_SCREENSHOT=docs/report.png python -m pytest tests/test_html_browser.py`` also writes
the README's screenshot (taken at 1280x800 by this browser).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import chromium
from tests.conftest import EXAMPLE_PARTS, ROOT, run_cli

# CI installs chromium (.ci/run) and sets PCRCODE_REQUIRE_BROWSER: there these tests fail
# without a browser. Elsewhere a machine without chromium skips them (said in pytest's summary).
pytestmark = pytest.mark.skipif(
    chromium.browser() is None and os.environ.get("PCRCODE_REQUIRE_BROWSER") != "1",
    reason="chromium is not installed",
)

PLANTED = '<script>document.documentElement.setAttribute("data-planted", "ran")</script>'
PLANTED_IMG = '<img src="planted.png" onerror="document.title=\'planted\'">'
VIGNETTE = "panier-solidaire"


def _plant(project: Path) -> str:
    """A script in the first coded turn of the vignette's transcript (whole-turn codings quote
    the turn) and in the case's name. Returns the turn's planted sentence."""
    transcript = project / "interviews" / f"{VIGNETTE}.md"
    text = transcript.read_text(encoding="utf-8")
    # Every answer of the interviewee gets the planted markup: whichever turn the matrix
    # samples carries it.
    planted = re.sub(r"(\*\*[^*]+:\*\* )", r"\1" + PLANTED.replace("\\", "\\\\") + " ", text)
    transcript.write_text(planted, encoding="utf-8")
    registry = project / "structures.yaml"
    reg = registry.read_text(encoding="utf-8")
    reg = reg.replace(
        "name: Le Panier Solidaire de l'Abbaye",
        f"name: {json.dumps('Le Panier ' + PLANTED_IMG)}",  # a JSON string is YAML
    )
    registry.write_text(reg, encoding="utf-8")
    return PLANTED


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("example")
    for part in (*EXAMPLE_PARTS, "synthesis.yaml", "findings.yaml"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, project / part)
        elif src.exists():
            shutil.copy2(src, project / part)
    _plant(project)
    result = run_cli(["report", "--format", "html", "-o", "synthese.html"], cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    return project


@pytest.fixture(scope="module")
def seen(built: Path) -> Iterator[dict[str, Any]]:
    """What the browser saw, at 1280x800 then at a phone's width."""
    browser = chromium.Chromium()
    try:
        url = chromium.file_url(built / "synthese.html")
        browser.open(url, 1280, 800)
        found: dict[str, Any] = {
            "problems": browser.problems(),
            "requests": browser.requests(),
            "text": browser.evaluate("document.body.innerText"),
            "planted": browser.evaluate('document.documentElement.getAttribute("data-planted")'),
            "title": browser.evaluate("document.title"),
            "census": browser.evaluate(
                "Array.from(document.querySelectorAll('#census tbody tr')).map("
                "r => Array.from(r.cells).map(c => c.textContent.trim()))"
            ),
            "findings": browser.evaluate(
                "Array.from(document.querySelectorAll('.finding')).map("
                "f => [f.id, f.querySelector('.status').textContent])"
            ),
            "lang": browser.evaluate("document.documentElement.lang"),
            "svg_titles": browser.evaluate(
                "Array.from(document.querySelectorAll('svg')).map(s => s.querySelector('title')"
                " && s.querySelector('title').textContent)"
            ),
            "screenshot": browser.screenshot(),
            "small": browser.screenshot(scale=0.1),
        }
        browser.open(url, 390, 844, mobile=True)
        found["phone_overflow"] = browser.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        yield found
    finally:
        browser.close()


def test_page_loads_without_errors_or_requests(seen: dict[str, Any], built: Path) -> None:
    assert seen["problems"] == []
    page = (built / "synthese.html").as_uri()
    assert seen["requests"] == [page]  # the page itself, nothing else
    assert seen["lang"] == "fr"


def test_census_numbers_are_in_the_dom(seen: dict[str, Any]) -> None:
    registry = yaml.safe_load((ROOT / "structures.yaml").read_text(encoding="utf-8"))
    cases = registry["structures"]
    interviewed = sum(1 for s in cases if s.get("interviewed"))
    total_row = seen["census"][-1]
    assert total_row[-1] == f"{len(cases)} ({interviewed})"  # 78 (18)
    food = [s for s in cases if s["domaine"] == "alimentation"]
    row = next(r for r in seen["census"] if r[0] == "Alimentation")
    assert row[-1] == f"{len(food)} ({sum(1 for s in food if s.get('interviewed'))})"


def test_findings_are_in_the_dom(seen: dict[str, Any]) -> None:
    declared = yaml.safe_load((ROOT / "findings.yaml").read_text(encoding="utf-8"))
    ids = [f["id"] for f in declared["findings"]]
    assert [fid for fid, _ in seen["findings"]] == [f"finding-{i}" for i in ids]
    assert all(status.strip() for _, status in seen["findings"])


def test_planted_script_is_text_not_code(seen: dict[str, Any]) -> None:
    assert seen["planted"] is None
    assert seen["title"] != "planted"
    assert PLANTED in seen["text"]  # shown as the words it is
    assert PLANTED_IMG in seen["text"]


def test_every_chart_has_a_title(seen: dict[str, Any]) -> None:
    assert seen["svg_titles"] and all(seen["svg_titles"])


def test_screenshot_is_not_blank_and_fits(seen: dict[str, Any]) -> None:
    assert chromium.png_size(seen["screenshot"]) == (1280, 800)
    small = chromium.png_pixels(seen["small"])
    assert chromium.variance(small) > 100  # a blank or single-colour page is ~0
    target = os.environ.get("PCRCODE_SCREENSHOT")
    if target:
        Path(target).write_bytes(seen["screenshot"])


def test_phone_width_does_not_scroll_sideways(seen: dict[str, Any]) -> None:
    assert seen["phone_overflow"] <= 0
