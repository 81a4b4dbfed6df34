"""CI templates: a forge checks the project on every push as it checks code.

The workflow installs pcrcode, runs ``pcrcode check`` with annotations in the forge's own format
(GitHub's workflow commands, GitLab's code-quality report), the agreement gate when a minimum
alpha is given, and the findings when the project declares some. Each step fails the pipeline
on its own exit code.
"""

from __future__ import annotations

from pathlib import Path

from pcrcode import __version__
from pcrcode.choices import Forge
from pcrcode.errors import ConflictError
from pcrcode.files import atomic
from pcrcode.git.setup import repository_root

FINDINGS_FILE = "findings.yaml"


TARGETS = {Forge.github: ".github/workflows/pcrcode.yml", Forge.gitlab: ".gitlab-ci.yml"}

GITHUB = """\
# Checks the pcrcode project on every push and pull request (written by `pcrcode init --ci
# github`). Findings appear as annotations on the lines of the files, in the pull request.
name: pcrcode
on:
  push:
  pull_request:
jobs:
  pcrcode:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: {workdir}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install pcrcode
        # The version this workflow was written with; or the address your team installs from.
        run: pip install "pcrcode=={version}"
      - name: Check the codebook, registry, transcripts and codings
        run: pcrcode check --format github
{extra}"""

GITHUB_AGREEMENT = """\
      - name: Intercoder agreement gate
        run: pcrcode agreement --min-alpha {alpha}
"""
GITHUB_FINDINGS = """\
      - name: The declared findings still hold
        run: pcrcode findings
"""

GITLAB = """\
# Checks the pcrcode project on every push and merge request (written by `pcrcode init --ci
# gitlab`). Findings appear in the merge request's code-quality widget.
pcrcode:
  image: python:3.12
  script:
    # The version this pipeline was written with; or the address your team installs from.
    - pip install "pcrcode=={version}"
    - cd {workdir}
    - pcrcode check --format gitlab > "$CI_PROJECT_DIR/gl-code-quality-report.json"
{extra}  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json
"""
GITLAB_AGREEMENT = "    - pcrcode agreement --min-alpha {alpha}\n"
GITLAB_FINDINGS = "    - pcrcode findings\n"


def render(forge: Forge, project: Path, min_alpha: float | None = None) -> tuple[Path, str]:
    """Where the workflow goes (the repository's top, where forges look) and its text."""
    repo = repository_root(project.resolve()) or project.resolve()
    inside = project.resolve().relative_to(repo).as_posix()
    workdir = inside if inside != "." else "."
    findings = (project / FINDINGS_FILE).is_file()
    if forge == Forge.github:
        extra = GITHUB_AGREEMENT.format(alpha=min_alpha) if min_alpha is not None else ""
        extra += GITHUB_FINDINGS if findings else ""
        text = GITHUB.format(workdir=workdir, version=__version__, extra=extra)
    else:
        extra = GITLAB_AGREEMENT.format(alpha=min_alpha) if min_alpha is not None else ""
        extra += GITLAB_FINDINGS if findings else ""
        text = GITLAB.format(workdir=workdir, version=__version__, extra=extra)
    return repo / TARGETS[forge], text


def write(forge: Forge, project: Path, min_alpha: float | None = None) -> Path:
    target, text = render(forge, project, min_alpha)
    if target.exists():
        raise ConflictError(
            f"{target} already exists; nothing was changed (remove it to write it anew)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, text)
    return target
