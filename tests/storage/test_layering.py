"""The archive is the bottom layer: no storage module imports the crawler or the pipelines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import storage

MODULES = sorted(
    f"storage.{path.stem}"
    for path in Path(storage.__file__).parent.glob("*.py")
    if path.stem != "__init__"
)


def test_no_storage_module_imports_the_crawler_or_the_pipelines() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('crawler', 'pipelines')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
