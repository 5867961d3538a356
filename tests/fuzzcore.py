"""Mutation fuzzing of rubrics and data files: the shared core.

Used by ``tests/test_fuzz.py`` (a bounded Hypothesis run in the normal
suite), ``tests/test_fuzz_corpus.py`` (replays every crashing input ever
found) and ``benchmarks/fuzz.py`` (long runs across processes).

One *input* is one document — a rubric, a TOML data file or a JSON data
file — made from a shipped seed by one to three mutations.  :func:`run_input`
loads it, scores it against its partner (the seed data for a rubric, the
seed rubric for data), renders the text and JSON outputs, and the table
views and narrative in every locale, and returns normally when everything
either succeeded or raised a *located* :class:`~perfrubric.errors.PerfrubricError`.
Anything else propagates: that is a finding.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import perfrubric
from perfrubric.errors import EvaluationError, PerfrubricError, _LocatedError

ROOT = Path(__file__).resolve().parent.parent

#: Seeds: (kind, file, partner).  A rubric's partner is the data it is scored
#: with; a data file's partner is the rubric (a file or a built-in id).
_EXAMPLE = "examples/kaifu-commerce-2021"
SEEDS: tuple[tuple[str, str, str], ...] = (
    ("rubric", f"{_EXAMPLE}/rubric.toml", f"{_EXAMPLE}/data.toml"),
    ("rubric", f"{_EXAMPLE}/national.toml", f"{_EXAMPLE}/data.toml"),
    ("rubric", "src/perfrubric/rubrics/mof-2013-department.toml",
     "tests/data/mof-2013-department-data.toml"),
    ("rubric", "src/perfrubric/rubrics/mof-2020-project-self.toml",
     "tests/data/mof-2020-project-self-data.toml"),
    ("data", f"{_EXAMPLE}/data.toml", f"{_EXAMPLE}/rubric.toml"),
    ("data", "tests/data/mof-2013-department-data.toml", "mof-2013-department"),
    ("data", "tests/data/mof-2020-project-self-data.toml", "mof-2020-project-self"),
    ("data", "tests/data/small_dept.toml", f"{_EXAMPLE}/rubric.toml"),
    ("json", f"{_EXAMPLE}/data.toml", f"{_EXAMPLE}/rubric.toml"),
    ("json", "tests/data/mof-2020-project-self-data.toml", "mof-2020-project-self"),
    # a project form: [[target]] rows as printed ("≥50个", "≤90万元"), rows generated from them
    ("data", "examples/rural-road-maintenance-2022/project.toml", "mof-2020-project-self"),
    ("json", "examples/rural-road-maintenance-2022/project.toml", "mof-2020-project-self"),
    # tables (tests/fuzztables.py): the county's units as CSV (UTF-8 with a BOM or GB18030)
    # and as a typed workbook (formulas, error cells, percents, dates, a merged block, a far
    # cell), each read through its mapping; and the mapping itself, mutated
    ("csv", "examples/county-2023/units.csv", "examples/county-2023/mapping.toml"),
    ("xlsx", "examples/county-2023/units.csv", "examples/county-2023/mapping.toml"),
    ("mapping", "examples/county-2023/mapping.toml", "examples/county-2023/units.csv"),
)

#: Numbers a finance officer never writes, and some she does.
EXTREMES: tuple[str, ...] = (
    "1e999999999", "-1e999999999", "1e-999999999", "1e-999999", "1e999999", "1e400",
    "1e-400", "1e28", "1e300", "1e15", "1e16", "1e-12", "1e-13", "-0", "0", "0.0", "-1",
    "nan", "inf", "-inf", "+inf", '"NaN"', '"Infinity"', '"-Infinity"', '"sNaN"',
    "9" * 5000, "-" + "9" * 5000, "1" + "0" * 4400, "0." + "0" * 5000 + "1",
    '"1e999999999"', '"1e-999999"', '"1e-5000"', '"1e999999999%"', '"1e-999999%"',
    '"1e400万元"', '"1e999999999万元"', '"-5万元"', '"1e28元"', '"NaN万元"', '"1e300‰"',
    '"' + "9" * 5000 + '"', '"' + "9" * 5000 + '%"', "99999999999999999999",
    "1.0000000000001", "0.30000000000000004", "1e-7", "123456789012345678901234567890",
    "2147483648", "9223372036854775808", '"85"', '"85%"', "85", "0.85", '""', '" "',
    "true", "[]", "{}", "1979-05-27", "1979-05-27T07:32:00Z", "07:32:00",
)

_UNITS: tuple[str, ...] = ("元", "万元", "亿元", "万美元", "%", "‰", "%%", "个", "kg", "",
                           "万元万元", "e4万元", "亿", "百分点", "分", "年")

_ODD_VALUES: tuple[str, ...] = (
    "{}", "[]", "[[]]", "{ a = 1 }", "[1, \"a\", true]", '"' + "a" * 300 + '"',
    '"' + " + ".join(["facts.a"] * 3000) + '"', '"' + "(" * 500 + "1" + ")" * 500 + '"',
    '"' + "-" * 2000 + '1"', '"facts.x / 0"', '"round(1, 99999)"', '"round(1, -99999)"',
    '"1 / 3"', '"10 ** 999999"', '"' + "a." * 600 + 'b"', '"目标.完成率"', '"/dev/zero"',
    '"."', '".."', '"/"', '"' + "x" * 5000 + '"', "[" + ", ".join(["1"] * 20000) + "]",
    '"在职"', '"是"', '"否"', "-1", "0",
)

# Measures: products of bounded numbers far beyond the bounds, tiny quotients, odd names.
_EXPRESSIONS: tuple[str, ...] = (
    " * ".join(["999999999999999"] * 28), "1 / " + " / ".join(["999999999999999"] * 28),
    "{m} * 1" + "0" * 300, "{m} * 123456789012345.123456789012", "{m} / 0.000000000001",
    "{m} * {m} * {m} * {m} * {m} * {m} * {m} * {m}", "-{m}", "{m} - {m}", "round({m}, 12)",
    "min({m}, 0) - 1e15", "({m}) * 100%", "{m} > 0", "not {m}", "{m} / 0", "facts.nope",
)
_MEASURE = re.compile(r'(?m)^(measure\s*=\s*")([^"\n]*)(")')

_CHARS: str = "[]{}\"'=.,#\n\\0123456789e%-+_ 万元亿中aZ\x00\x7f\ufeff\u200b"
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?%?")
_VALUE = re.compile(r"(?m)^(\s*[\w\"'.-]+\s*=\s*)(.*)$")


def _deep_array(rng: random.Random) -> str:
    depth = rng.choice((300, 600, 1200, 5000))
    return f"deep = {'[' * depth}1{']' * depth}\n"


def _deep_table(rng: random.Random) -> str:
    depth = rng.choice((300, 600, 2000))
    return f"deep = {'{ a = ' * depth}1{' }' * depth}\n"


def _dotted(rng: random.Random) -> str:
    depth = rng.choice((300, 1000, 3000))
    return ".".join(["k"] * depth) + " = 1\n"


def mutate_text(text: str, rng: random.Random) -> str:
    """One random mutation of a TOML or JSON document."""
    op = rng.randrange(12)
    if op == 0 and text:  # byte flip
        i = rng.randrange(len(text))
        return text[:i] + rng.choice(_CHARS) + text[i + 1:]
    if op == 1 and text:  # delete a span
        i = rng.randrange(len(text))
        return text[:i] + text[i + rng.randint(1, 40):]
    if op in (2, 3, 4):  # replace a number (also inside strings: "85%")
        found = list(NUMBER.finditer(text))
        if found:
            m = rng.choice(found)
            return text[:m.start()] + rng.choice(EXTREMES) + text[m.end():]
    if op == 5:  # replace a whole value
        found = list(_VALUE.finditer(text))
        if found:
            m = rng.choice(found)
            new = rng.choice(EXTREMES + _ODD_VALUES)
            return text[:m.start(2)] + new + text[m.end(2):]
    if op == 6:  # odd units
        for unit in ("万元", "元", "%", "亿元"):
            if unit in text:
                spots = [m.start() for m in re.finditer(re.escape(unit), text)]
                i = rng.choice(spots)
                return text[:i] + rng.choice(_UNITS) + text[i + len(unit):]
    if op == 7:  # deep nesting or a huge dotted key, at the top or after a table header
        extra = rng.choice((_deep_array, _deep_table, _dotted))(rng)
        lines = text.splitlines(keepends=True)
        i = rng.randrange(len(lines) + 1)
        return "".join(lines[:i]) + extra + "".join(lines[i:])
    if op == 8:  # duplicate or drop a line
        lines = text.splitlines(keepends=True)
        if lines:
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                return "".join(lines[:i] + [lines[i]] + lines[i:])
            return "".join(lines[:i] + lines[i + 1:])
    if op == 9:  # misspell a key
        found = list(_VALUE.finditer(text))
        if found:
            m = rng.choice(found)
            key = m.group(1)
            j = rng.randrange(len(key))
            return text[:m.start(1)] + key[:j] + rng.choice("aeoxy_") + key[j + 1:] + text[
                m.end(1):]
    if op == 10:  # an encoding accident
        return rng.choice(("\ufeff" + text, text.replace("\n", "\r\n"), text[: len(text) // 2],
                           "", "\x00" * 10 + text))
    if op == 11:  # an extreme measure
        found = list(_MEASURE.finditer(text))
        if found:
            m = rng.choice(found)
            new = rng.choice(_EXPRESSIONS).replace("{m}", m.group(2) or "1")
            return text[:m.start(2)] + new[:500] + text[m.end(2):]
    return text


def mutate(text: str, rng: random.Random) -> str:
    """One to three mutations."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        text = mutate_text(text, rng)
    return text


@functools.cache
def seed_text(kind: str, file: str) -> str:
    """The text of a seed; JSON seeds are the TOML data file written as JSON."""
    text = (ROOT / file).read_text(encoding="utf-8")
    if kind == "json":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib

        return json.dumps(tomllib.loads(text), ensure_ascii=False, indent=1)
    return text


@functools.cache
def _partner_rubric(ref: str) -> perfrubric.Rubric:
    if "/" in ref:
        return perfrubric.load_rubric(ROOT / ref)
    return perfrubric.builtin(ref)


@functools.cache
def _partner_data(file: str) -> perfrubric.Department:
    return perfrubric.load_data(ROOT / file)


class Unlocated(AssertionError):
    """A PerfrubricError that says neither where (file, path) nor which indicator."""


def check_located(exc: PerfrubricError) -> None:
    """Raise :class:`Unlocated` unless *exc* says where the problem is."""
    if isinstance(exc, _LocatedError) and all(p.file or p.path for p in exc.problems):
        return
    if isinstance(exc, EvaluationError) and exc.indicator:
        return
    raise Unlocated(f"{type(exc).__name__} without a location: {exc}") from exc


_SEEN_FINGERPRINTS: set[str] = set()


_FINGERPRINT = re.compile(r"[-+]?[\d.]+(?:[eE][-+]?\d+)?\s*[%‰]?|nan|inf|[元万亿美欧港%‰]")


_OUTPUTS: tuple[tuple[str, str], ...] = tuple(
    (locale, fmt) for locale in ("zh_CN", "en")
    for fmt in ("report", "report-compact", "markdown", "csv", "html", "xlsx"))


def _outputs(ev: perfrubric.Evaluation, text: str, every_view: bool) -> None:
    from perfrubric.cli import render_text
    from perfrubric.narrative import report_text
    from perfrubric.views import render

    render_text(ev)
    json.dumps(ev.to_dict(), ensure_ascii=False)
    chosen = _OUTPUTS
    if not every_view:
        # Views and narrative are slow (babel): for a long run, one of them for one new
        # set of numbers and units in three, chosen by the input's hash.
        numbers = "\x1f".join(_FINGERPRINT.findall(text))
        if numbers in _SEEN_FINGERPRINTS:
            return
        if len(_SEEN_FINGERPRINTS) > 100_000:
            _SEEN_FINGERPRINTS.clear()
        _SEEN_FINGERPRINTS.add(numbers)
        pick = zlib.crc32(text.encode("utf-8", "surrogatepass")) % (3 * len(_OUTPUTS))
        if pick >= len(_OUTPUTS):  # and for one new set in three
            return
        chosen = (_OUTPUTS[pick],)
    for locale, fmt in chosen:
        if fmt.startswith("report"):
            report_text(ev, locale=locale, compact=fmt.endswith("compact"))
        else:
            render(ev, fmt, locale=locale)


def run_input(kind: str, text: str, partner: str, file: str, *, every_view: bool = False,
              workdir: str | None = None) -> str:
    """Load, score and render one input; return ``"ok"`` or the error class name.

    A non-perfrubric exception, or a perfrubric one without a location,
    propagates.  *file* is the seed's path (so relative ``extends`` resolve).
    """
    if kind in ("csv", "xlsx"):
        import fuzztables

        return fuzztables.run_table(kind, text, file, partner, workdir)
    if kind == "mapping":
        import fuzztables

        return fuzztables.run_table(kind, text, partner, file, workdir)
    try:
        if kind == "rubric":
            rubric = perfrubric.loads_rubric(text, file=str(ROOT / file))
            ev = perfrubric.evaluate(rubric, _partner_data(partner))
        else:
            suffix = ".json" if kind == "json" else ".toml"
            fd, path = tempfile.mkstemp(suffix=suffix, dir=workdir)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as fh:
                    fh.write(text)
                data = perfrubric.load_data(path)
            finally:
                os.unlink(path)
            ev = perfrubric.evaluate(_partner_rubric(partner), data)
        _outputs(ev, text, every_view)
    except PerfrubricError as exc:
        check_located(exc)
        return type(exc).__name__
    return "ok"


def make_input(seed_index: int, rng: random.Random) -> tuple[str, str, str, str]:
    """(kind, text, partner, file) for one input made from seed *seed_index*."""
    kind, file, partner = SEEDS[seed_index % len(SEEDS)]
    text = seed_text(kind, file)
    if kind in ("csv", "xlsx"):
        import fuzztables

        for _ in range(rng.choice((1, 1, 2, 3))):
            text = fuzztables.mutate_table(text, rng)
        if rng.random() < 0.5:
            return kind, text, partner, file
    return kind, mutate(text, rng), partner, file


def replay(path: Path, runner: Callable[..., str] = run_input) -> str:
    """Run one corpus file; its first line says ``# fuzz: kind file partner``."""
    raw = path.read_bytes().decode("utf-8", errors="surrogatepass")
    header, _, text = raw.partition("\n")
    fields = header.split()
    if len(fields) != 5 or fields[:2] != ["#", "fuzz:"]:
        raise ValueError(f"{path}: the first line must be '# fuzz: KIND FILE PARTNER'")
    kind, file, partner = fields[2:]
    return runner(kind, text, partner, file, every_view=True)


def corpus_text(kind: str, file: str, partner: str, text: str) -> str:
    """A corpus file for one input (see :func:`replay`)."""
    return f"# fuzz: {kind} {file} {partner}\n{text}"


def signature(exc: BaseException) -> str:
    """Exception type and the innermost frame: one finding, however often it recurs."""
    tb = exc.__traceback__
    frame = None
    while tb is not None:
        frame = tb
        tb = tb.tb_next
    where = ""
    if frame is not None:
        code = frame.tb_frame.f_code
        where = f" at {Path(code.co_filename).name}:{code.co_name}:{frame.tb_lineno}"
    return f"{type(exc).__name__}{where}"


