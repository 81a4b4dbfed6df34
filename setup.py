"""Ships the example project (the repository root) in the package, for `pcrcode init --example`.

Everything else is declared in pyproject.toml. In an editable install the example is read from the
repository root instead (see pcrcode/files/new_project.py).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
EXAMPLE_PARTS = ("codebook.yaml", "structures.yaml", "interviews", "codings")


class BuildWithExample(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pcrcode" / "example"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for part in EXAMPLE_PARTS:
            src = ROOT / part
            if src.is_dir():
                shutil.copytree(src, target / part, ignore=shutil.ignore_patterns(".*"))
            else:
                shutil.copy2(src, target / part)


setup(cmdclass={"build_py": BuildWithExample})
