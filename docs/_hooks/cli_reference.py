"""MkDocs hook: the command-line reference, generated from the argparse parser.

``docs/cli.md`` holds the marker ``<!-- cli-reference -->``; at build time
this hook replaces it with the help of ``perfrubric`` and of every
subcommand (recursively), as ``perfrubric.cli._parser()`` builds them. A
subcommand added to the parser appears in the docs with no other change.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MARKER = "<!-- cli-reference -->"
PAGE = "cli.md"
WIDTH = "88"  # help is wrapped to this many columns, whatever the terminal


@contextlib.contextmanager
def _plain_help() -> Iterator[None]:
    """Fixed width and no colours (Python 3.14 colours help on a terminal)."""
    saved = {k: os.environ.get(k) for k in ("COLUMNS", "NO_COLOR", "PYTHON_COLORS")}
    os.environ.update(COLUMNS=WIDTH, NO_COLOR="1", PYTHON_COLORS="0")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each subcommand, in the order they were added."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) in seen:  # an alias of a subcommand already listed
                    continue
                seen.add(id(sub))
                found.append((name, str(helps.get(name, "")), sub))
    return found


def _render(parser: argparse.ArgumentParser, command: str, level: int) -> list[str]:
    out = []
    for name, summary, sub in _subcommands(parser):
        full = f"{command} {name}"
        out += [f"{'#' * level} `{full}`", ""]
        if summary and summary != argparse.SUPPRESS:
            out += [summary[0].upper() + summary[1:].rstrip(".") + ".", ""]
        out += ["```text", sub.format_help().rstrip(), "```", ""]
        out += _render(sub, full, min(level + 1, 6))
    return out


def reference(parser: argparse.ArgumentParser) -> str:
    """The Markdown reference of *parser* and all its subcommands."""
    with _plain_help():
        lines = ["```text", parser.format_help().rstrip(), "```", ""]
        lines += _render(parser, parser.prog, 2)
    return "\n".join(lines)


def _parser(config: Any) -> argparse.ArgumentParser:
    # Document this checkout's code, not another installed copy.
    src = str(Path(config.config_file_path).resolve().parent / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    cli = importlib.import_module("perfrubric.cli")
    parser: argparse.ArgumentParser = cli._parser()
    return parser


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Put the generated reference in place of the marker on the CLI page."""
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"docs/{PAGE} must contain the marker {MARKER}")
    return markdown.replace(MARKER, reference(_parser(config)))
