"""The Python examples in docs/analysis.md run as written (from the project root)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "analysis.md").read_text(
    encoding="utf-8"), re.S)


def test_docs_have_examples() -> None:
    assert len(BLOCKS) == 6


@pytest.mark.parametrize("block", BLOCKS)
def test_docs_example_runs(block: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True,
                   check=True)
