"""The README's Python example runs as written (from the project root)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_example_runs(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    script = tmp_path / "example.py"
    script.write_text(block.group(1) + "\nprint(ev.total, ev.grade)\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip().endswith("100.00 优")
