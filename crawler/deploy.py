"""Build the egg that ``scrapyd-deploy --egg`` uploads to scrapyd.

scrapyd runs a project from an egg whose ``scrapy`` entry point names the settings module
(declared in pyproject.toml). ``scrapyd-deploy`` alone would write a ``setup.py`` into the
project and build in ``build/``; here setuptools reads pyproject.toml and every intermediate
file stays in a temporary directory, so the source tree is left as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.errors import CrawlError


def project_root(start: Path) -> Path:
    """The nearest directory holding both ``scrapy.cfg`` and ``pyproject.toml``."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "scrapy.cfg").is_file() and (folder / "pyproject.toml").is_file():
            return folder
    raise CrawlError(f"no project (scrapy.cfg and pyproject.toml) at or above {start}")


def build_egg(root: Path, output: Path) -> Path:
    """Build the project's egg from ``root`` and write it to ``output``."""
    with tempfile.TemporaryDirectory(prefix="healtharchive-egg-") as tmp:
        work = Path(tmp)
        command = [
            sys.executable, "-c", "from setuptools import setup; setup()",
            "egg_info", "--egg-base", str(work),
            "build", "--build-base", str(work / "build"),
            "bdist_egg", "--bdist-dir", str(work / "bdist"), "--dist-dir", str(work / "dist"),
        ]  # fmt: skip
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        eggs = sorted((work / "dist").glob("*.egg"))
        if result.returncode != 0 or not eggs:
            last = (result.stderr.strip().splitlines() or ["no egg written"])[-1]
            raise CrawlError(f"egg build failed: {last}")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(eggs[0], output)
    return output
