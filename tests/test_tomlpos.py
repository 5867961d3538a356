"""Positions of keys in TOML text (perfrubric.files.tomlpos)."""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfrubric.files.tomlpos import PathTuple, format_path, key_positions, locate, parse_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """(line, column), 1-based, of the *nth* occurrence of *needle* in *text*."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


def positions(text: str) -> dict[PathTuple, tuple[int, int]]:
    tomllib.loads(text)  # every hand-written document is valid TOML
    return key_positions(text)


# -- hand-written documents ---------------------------------------------------------------


RUBRIC = """\
[rubric]
id = "x"
grades = [
  { name = "优", min = 90 },
  { name = "良", min = 80 },
]

[[indicator]]
path = "投入"
points = 20

[[indicator]]
path = "投入/预算配置/预算调整率"
rule = { kind = "bands", bands = [
  { upto = "0%",  points = 5 },
  { over = "0%", upto = "10%", points = 4 },
] }
"""


def test_rubric_excerpt() -> None:
    pos = positions(RUBRIC)
    # Indices are 0-based: bands[1] is the second band (line 16), bands[0] the first (line 15),
    # just as grades[1] is the second grade (line 5).
    assert pos[("indicator", 1, "rule", "bands", 1, "points")] == (16, 32)
    assert pos[("indicator", 1, "rule", "bands", 0, "points")] == (15, 19)
    assert pos[("indicator", 1, "rule", "bands", 1, "points")] == where(RUBRIC, "points = 4")
    assert pos[("rubric", "grades", 1, "min")] == where(RUBRIC, "min = 80")
    assert pos[("rubric", "grades", 1, "min")][0] == 5
    assert pos[("rubric",)] == (1, 1)
    assert pos[("rubric", "id")] == (2, 1)
    assert pos[("rubric", "grades")] == (3, 1)
    assert pos[("rubric", "grades", 0)] == (4, 3)
    assert pos[("rubric", "grades", 0, "name")] == (4, 5)
    assert pos[("indicator",)] == (8, 1)
    assert pos[("indicator", 0)] == (8, 1)
    assert pos[("indicator", 0, "path")] == (9, 1)
    assert pos[("indicator", 0, "points")] == (10, 1)
    assert pos[("indicator", 1)] == (12, 1)
    assert pos[("indicator", 1, "path")] == (13, 1)
    assert pos[("indicator", 1, "rule")] == (14, 1)
    assert pos[("indicator", 1, "rule", "kind")] == (14, 10)
    assert pos[("indicator", 1, "rule", "bands")] == (14, 26)
    assert pos[("indicator", 1, "rule", "bands", 0)] == (15, 3)
    assert pos[("indicator", 1, "rule", "bands", 0, "points")] == (15, 19)
    assert pos[("indicator", 1, "rule", "bands", 1)] == (16, 3)
    assert pos[("indicator", 1, "rule", "bands", 1, "over")] == (16, 5)


def test_rubric_excerpt_every_parsed_path_has_a_position() -> None:
    assert set(all_paths(tomllib.loads(RUBRIC))) <= set(key_positions(RUBRIC))


def test_plain_pairs_and_columns() -> None:
    text = 'a = 1\n  b = "two"\n\tc=true\n\n# comment = 1\nd   =   2024-01-02  # trailing\n'
    assert positions(text) == {("a",): (1, 1), ("b",): (2, 3), ("c",): (3, 2), ("d",): (6, 1)}


def test_columns_count_characters_not_bytes() -> None:
    text = '"优良" = 1\nx = { "甲" = 1, "乙" = 2 }\n'
    pos = positions(text)
    assert pos[("优良",)] == (1, 1)
    assert pos[("x", "甲")] == (2, 7)
    assert pos[("x", "乙")] == (2, 16)


def test_table_headers_and_implicit_parents() -> None:
    text = "top = 0\n\n[a.b.c]\nx = 1\n\n[ a . b ]  # reopened parent\ny = 2\n\n[a]\nz = 3\n"
    pos = positions(text)
    assert pos[("top",)] == (1, 1)
    assert pos[("a", "b", "c")] == (3, 1)
    assert pos[("a", "b", "c", "x")] == (4, 1)
    # Created implicitly by [a.b.c], then named by their own headers.
    assert pos[("a", "b")] == (6, 1)
    assert pos[("a",)] == (9, 1)
    assert pos[("a", "b", "y")] == (7, 1)
    assert pos[("a", "z")] == (10, 1)


def test_implicit_parent_keeps_the_first_header() -> None:
    pos = positions("[a.b]\n[a.c]\n")
    assert pos[("a",)] == (1, 1)
    assert pos[("a", "c")] == (2, 1)


def test_quoted_keys_in_headers_and_pairs() -> None:
    text = (
        '[levels."好"]\n'
        "'x y' = 1\n"
        '"a\\"b" = 2\n'
        '"\\u597d\\t" = 3\n'
        "'C:\\dir' = 4\n"
        '"" = 5\n'
        '[ "dotted.key" . plain ]\n'
        "k = 6\n"
    )
    doc = tomllib.loads(text)
    assert set(doc["levels"]["好"]) == {"x y", 'a"b', "好\t", "C:\\dir", ""}
    pos = key_positions(text)
    assert pos[("levels", "好")] == (1, 1)
    assert pos[("levels", "好", "x y")] == (2, 1)
    assert pos[("levels", "好", 'a"b')] == (3, 1)
    assert pos[("levels", "好", "好\t")] == (4, 1)
    assert pos[("levels", "好", "C:\\dir")] == (5, 1)
    assert pos[("levels", "好", "")] == (6, 1)
    assert pos[("dotted.key", "plain")] == (7, 1)
    assert pos[("dotted.key", "plain", "k")] == (8, 1)


def test_dotted_keys_record_their_prefixes() -> None:
    text = 'name = "x"\na.b.c = 1\na . b . d = 2\n"优" . \'x y\'.z = 3\n[t]\n  p.q = 4\n'
    pos = positions(text)
    assert pos[("a",)] == (2, 1)
    assert pos[("a", "b")] == (2, 1)
    assert pos[("a", "b", "c")] == (2, 1)
    assert pos[("a", "b", "d")] == (3, 1)
    assert pos[("优",)] == (4, 1)
    assert pos[("优", "x y", "z")] == (4, 1)
    assert pos[("t", "p")] == (6, 3)
    assert pos[("t", "p", "q")] == (6, 3)


def test_arrays_of_tables_count_per_full_path() -> None:
    text = """\
[[fruit]]
name = "apple"

  [fruit.physical]  # a sub-table of the latest fruit
  color = "red"

  [[fruit.variety]]
  name = "red delicious"

  [[fruit.variety]]
  name = "granny smith"

[[fruit]]
name = "banana"

  [[fruit.variety]]
  name = "plantain"

[[other.list]]
x = 1
"""
    pos = positions(text)
    assert pos[("fruit",)] == (1, 1)
    assert pos[("fruit", 0)] == (1, 1)
    assert pos[("fruit", 0, "name")] == (2, 1)
    assert pos[("fruit", 0, "physical")] == (4, 3)
    assert pos[("fruit", 0, "physical", "color")] == (5, 3)
    assert pos[("fruit", 0, "variety")] == (7, 3)
    assert pos[("fruit", 0, "variety", 0)] == (7, 3)
    assert pos[("fruit", 0, "variety", 0, "name")] == (8, 3)
    assert pos[("fruit", 0, "variety", 1)] == (10, 3)
    assert pos[("fruit", 0, "variety", 1, "name")] == (11, 3)
    assert pos[("fruit", 1)] == (13, 1)
    assert pos[("fruit", 1, "name")] == (14, 1)
    assert pos[("fruit", 1, "variety")] == (16, 3)
    assert pos[("fruit", 1, "variety", 0)] == (16, 3)
    assert pos[("fruit", 1, "variety", 0, "name")] == (17, 3)
    assert ("fruit", 1, "variety", 1) not in pos
    assert pos[("other",)] == (19, 1)  # implicit parent of [[other.list]]
    assert pos[("other", "list", 0, "x")] == (20, 1)


def test_inline_tables_nested() -> None:
    text = 'point = { x = 1, y = { z = 2, w.v = "}" }, "优" = [1, { q = 3 }] }\n'
    pos = positions(text)
    assert pos[("point",)] == (1, 1)
    assert pos[("point", "x")] == where(text, "x =")
    assert pos[("point", "y")] == where(text, "y =")
    assert pos[("point", "y", "z")] == where(text, "z =")
    assert pos[("point", "y", "w")] == where(text, "w.v")
    assert pos[("point", "y", "w", "v")] == where(text, "w.v")
    assert pos[("point", "优")] == where(text, '"优"')
    assert pos[("point", "优", 0)] == where(text, "1, {")
    assert pos[("point", "优", 1)] == where(text, "{ q")
    assert pos[("point", "优", 1, "q")] == where(text, "q =")
    assert pos[("point", "优", 1, "q")] == (1, 56)


def test_multiline_arrays_with_comments_and_nesting() -> None:
    text = """\
xs = [  # comment with [ and ] and =
  1,    # one
  # a whole-line comment, with a "quote
  "two, or ] three",
  [ 3.5, -4e2 ], [], { k = 'v' },
  1979-05-27 07:32:00Z, 07:32:00,
  true
]
after = false
"""
    pos = positions(text)
    assert pos[("xs",)] == (1, 1)
    assert pos[("xs", 0)] == (2, 3)
    assert pos[("xs", 1)] == (4, 3)
    assert pos[("xs", 2)] == (5, 3)
    assert pos[("xs", 2, 0)] == (5, 5)
    assert pos[("xs", 2, 1)] == (5, 10)
    assert pos[("xs", 3)] == (5, 18)
    assert pos[("xs", 4)] == (5, 22)
    assert pos[("xs", 4, "k")] == (5, 24)
    assert pos[("xs", 5)] == (6, 3)
    assert pos[("xs", 6)] == (6, 25)
    assert pos[("xs", 7)] == (7, 3)
    assert ("xs", 8) not in pos
    assert pos[("after",)] == (9, 1)


def test_strings_that_look_like_toml() -> None:
    text = '''\
a = "x = 1 # [not] a \\"table\\" \\\\"
b = 'literal \\ [c] = 2 # "'
c = """
d = 3
[e]
# f = 4
with an escaped \\""" quote and a line-ending backslash \\
  continued"""
g = \'\'\'
h = 5
[[i]]
\'\'\'
j = """two quotes inside the delimiter"""""
k = \'\'\'one inside\'\'\'\'
l = 6
'''
    doc = tomllib.loads(text)
    assert set(doc) == {"a", "b", "c", "g", "j", "k", "l"}
    pos = key_positions(text)
    assert set(pos) == {(k,) for k in doc}
    assert pos[("a",)] == (1, 1)
    assert pos[("b",)] == (2, 1)
    assert pos[("c",)] == (3, 1)
    assert pos[("g",)] == (9, 1)
    assert pos[("j",)] == (13, 1)
    assert pos[("k",)] == (14, 1)
    assert pos[("l",)] == (15, 1)


def test_scalar_values() -> None:
    text = (
        "i = +1_000\nh = 0xDEAD_beef\no = 0o17\nbi = 0b1\nf = -3.14e-2\ninf_ = -inf\n"
        "nan_ = nan\nt = true\nd = 1979-05-27\ndt = 1979-05-27T00:32:00.999999-07:00\n"
        "lt = 07:32:00\narr = [1979-05-27 07:32:00, 1, nan]\n"
    )
    pos = positions(text)
    assert [pos[(k,)][0] for k in tomllib.loads(text)] == list(range(1, 13))
    assert pos[("arr", 0)] == (12, 8)
    assert pos[("arr", 1)] == (12, 29)
    assert pos[("arr", 2)] == (12, 32)


def test_crlf_line_endings() -> None:
    text = "a = 1\r\n[t]\r\nb = [\r\n  2,\r\n]\r\n"
    pos = positions(text)
    assert pos == {("a",): (1, 1), ("t",): (2, 1), ("t", "b"): (3, 1), ("t", "b", 0): (4, 3)}


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    pos = positions(RUBRIC)
    assert locate(pos, ("indicator", 1, "rule", "bands", 1, "points")) == (16, 32)
    assert locate(pos, ("indicator", 1, "rule", "missing", 7)) == (14, 1)
    assert locate(pos, ("indicator", 5, "rule")) == (8, 1)
    assert locate(pos, ("nowhere", "at", "all")) is None
    assert locate(pos, ()) is None
    assert locate({}, ("a",)) is None


# -- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "=",
        "a = [ } ]",
        "a = { ] }",
        "a = { = 1 }",
        "[",
        "[[",
        "[]",
        "[[a]",
        'a = "unterminated',
        'a = """unterminated',
        "a = '''",
        "a = [1, 2",
        "a = {",
        "a.",
        "a b c",
        "\ufeffa = 1",
        "a = 1 = 2\nb = 3",
        "[a]\n[[a]]\n[a.b]",
        "= 1\n] 2 [\n}{",
        "a = [" * 2000,
    ],
)
def test_invalid_input_never_raises_nor_hangs(text: str) -> None:
    assert isinstance(key_positions(text), dict)


def test_invalid_input_keeps_what_came_before() -> None:
    pos = key_positions("a = 1\n[t]\nb = 2\nc = [ } ]\nd = 4\n")
    assert pos[("a",)] == (1, 1)
    assert pos[("t", "b")] == (3, 1)
    assert pos[("t", "d")] == (5, 1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1.=\"'#[]{},\\ \n\t\r好-_")), max_size=80))
def test_arbitrary_text_never_raises(text: str) -> None:
    result = key_positions(text)
    lines = text.count("\n") + 1
    for path, (line, col) in result.items():
        assert path
        assert 1 <= line <= lines
        assert col >= 1


# -- paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("indicator[3].rule.bands[1].points", ("indicator", 3, "rule", "bands", 1, "points")),
        ('levels."好"', ("levels", "好")),
        ('a."x.y"[0]."q\\"uote"', ("a", "x.y", 0, 'q"uote')),
        ('a."b\\\\c"', ("a", "b\\c")),
        ('""', ("",)),
        ("[2][0]", (2, 0)),
        ("", ()),
    ],
)
def test_format_and_parse_path(text: str, path: PathTuple) -> None:
    assert parse_path(text) == path
    assert format_path(path) == text


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("levels.好", ("levels", "好")),  # paths from messages may leave non-ASCII keys bare
        ("a.'x y'.b", ("a", "x y", "b")),
        ("a[x]", ("a", "x")),
        ("a[²]", ("a", "²")),
        ('a."open', ("a", "open")),
        ("a[1", ("a", 1)),
    ],
)
def test_parse_path_is_lenient(text: str, path: PathTuple) -> None:
    assert parse_path(text) == path


path_keys = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.text(alphabet=st.sampled_from(list("abz09_-")), min_size=1, max_size=6),
    st.text(),
)


@given(st.lists(path_keys, max_size=6).map(tuple))
def test_format_then_parse_round_trips(path: PathTuple) -> None:
    assert parse_path(format_path(path)) == path


# -- property: a random document written as TOML ---------------------------------------------

ASCII_KEYS = st.text(alphabet=st.sampled_from(list("abcxyz019_-")), min_size=1, max_size=5)
CHINESE_KEYS = st.text(alphabet=st.sampled_from(list("优良中差投入预算配置率好")), min_size=1, max_size=3)
ODD_KEYS = st.text(alphabet=st.sampled_from(list("a .=[]#\"'\\\t\n优")), max_size=4)
KEYS = st.one_of(ASCII_KEYS, CHINESE_KEYS, ODD_KEYS)

NASTY_TEXT = st.text(alphabet=st.sampled_from(list("ab =[]{}#,.\"'\\\n\t\r\x00\x7f好\u2028")))
SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    NASTY_TEXT,
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(st.dictionaries(KEYS, children, max_size=3), min_size=1, max_size=3),
        st.dictionaries(KEYS, children, max_size=4),
    ),
    max_leaves=16,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=5)


ASCII_ONLY = re.compile(r"[A-Za-z0-9_-]+")


def _is_control(ch: str) -> bool:
    return ch < " " or ch == "\x7f"


def basic(text: str, multiline: bool = False) -> str:
    out = []
    for ch in text:
        raw = ch == "\t" or (ch == "\n" and multiline)
        if ch in '"\\':
            out.append("\\" + ch)
        elif _is_control(ch) and not raw:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def literal_ok(text: str, multiline: bool = False) -> bool:
    allowed = "\t\n" if multiline else "\t"
    return "'" not in text and not any(_is_control(c) and c not in allowed for c in text)


class Writer:
    """Writes a dict as TOML in a random layout, noting where it writes each key."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.chunks: list[str] = []
        self.line, self.col = 1, 1
        self.expected: dict[PathTuple, tuple[int, int]] = {}
        self.key_text: dict[PathTuple, str] = {}  # path -> the key as written

    def text(self) -> str:
        return "".join(self.chunks)

    def write(self, s: str) -> None:
        self.chunks.append(s)
        if "\n" in s:
            self.line += s.count("\n")
            self.col = len(s) - s.rfind("\n")
        else:
            self.col += len(s)

    def expect(self, path: PathTuple) -> None:
        self.expected.setdefault(path, (self.line, self.col))

    def chance(self, p: float) -> bool:
        return self.rnd.random() < p

    def blank(self) -> str:
        return self.rnd.choice(["", " ", "  ", "\t"])

    def end_line(self) -> None:
        if self.chance(0.3):
            self.write(self.blank() + " # note = [x] {y} \"q\" '''")
        self.write("\n")

    def key(self, key: str) -> str:
        if ASCII_ONLY.fullmatch(key) and self.chance(0.8):
            return key
        if literal_ok(key) and self.chance(0.5):
            return f"'{key}'"
        return f'"{basic(key)}"'

    def scalar(self, value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return ("+" if value > 0 and self.chance(0.2) else "") + str(value)
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=self.rnd.choice("T "))
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        assert isinstance(value, str)
        kind = self.rnd.choice(["basic", "literal", "ml-basic", "ml-literal"])
        if kind == "literal" and literal_ok(value):
            return f"'{value}'"
        if kind == "ml-literal" and literal_ok(value, multiline=True) and "\r" not in value:
            return f"'''\n{value}'''"
        if kind == "ml-basic":
            return '"""\n' + basic(value, multiline=True) + '"""'
        return f'"{basic(value)}"'

    # -- structure

    def document(self, data: dict[str, Any]) -> None:
        self.table((), [], data, header=None)

    def mode(self, value: object) -> str:
        if isinstance(value, dict):
            if self.chance(0.4):
                return "header"
            return "dotted" if value and self.chance(0.4) else "pair"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return "array-of-tables" if self.chance(0.5) else "pair"
        return "pair"

    def table(self, path: PathTuple, names: list[str], data: dict[str, Any],
              header: str | None) -> None:
        modes = {key: self.mode(value) for key, value in data.items()}
        headed = [k for k, m in modes.items() if m in ("header", "array-of-tables")]
        element = header is not None and header.startswith("[[")
        # A plain table holding only sub-tables may be left to them to create.
        implicit = not element and bool(data) and len(headed) == len(data) and self.chance(0.5)
        if header is not None and not implicit:
            self.write("\n" if self.chance(0.5) else "")
            self.write(self.blank())
            if element:
                self.expect(path[:-1])  # the first [[...]] names the array
            self.expect(path)
            self.write(header)
            self.end_line()
        for key, value in data.items():
            if key in headed:
                continue
            if self.chance(0.15):
                self.write("# comment: a = 1\n")
            self.write(self.blank())
            entries = self.flatten((key,), value) if modes[key] == "dotted" else [((key,), value)]
            for keys, val in entries:
                self.pair(path, keys, val)
                self.end_line()
        for key in headed:
            sub, sub_names = path + (key,), names + [self.key(key)]
            dotted = ".".join(sub_names)
            if modes[key] == "header":
                self.table(sub, sub_names, data[key], header=f"[{dotted}]")
            else:
                for i, element in enumerate(data[key]):
                    self.table(sub + (i,), sub_names, element, header=f"[[{dotted}]]")

    def flatten(self, keys: tuple[str, ...], value: Any) -> list[tuple[tuple[str, ...], Any]]:
        """A non-empty dict as dotted pairs (``a.b = 1``), sometimes several levels deep."""
        if isinstance(value, dict) and value and (len(keys) == 1 or self.chance(0.5)):
            out: list[tuple[tuple[str, ...], Any]] = []
            for k, v in value.items():
                out.extend(self.flatten(keys + (k,), v))
            return out
        return [(keys, value)]

    def pair(self, table: PathTuple, keys: tuple[str, ...], value: Any) -> None:
        for k in range(1, len(keys) + 1):
            self.expect(table + keys[:k])
        names = [self.key(k) for k in keys]
        self.key_text[table + keys] = names[-1]
        dot = self.rnd.choice([".", " . "])
        self.write(dot.join(names) + self.rnd.choice([" = ", "=", "  =  "]))
        self.value(table + keys, value)

    def value(self, path: PathTuple, value: Any) -> None:
        if isinstance(value, dict):
            self.write("{" + self.blank())
            for n, (key, val) in enumerate(value.items()):
                if n:
                    self.write(", ")
                entries = self.flatten((key,), val) if self.chance(0.3) else [((key,), val)]
                for m, (keys, v) in enumerate(entries):
                    if m:
                        self.write(", ")
                    self.pair(path, keys, v)
            self.write(self.blank() + "}")
        elif isinstance(value, list):
            multiline = bool(value) and self.chance(0.5)
            self.write("[")
            for i, element in enumerate(value):
                if multiline:
                    self.write("\n" + self.blank())
                elif i:
                    self.write(", ")
                self.expect(path + (i,))
                self.value(path + (i,), element)
                if multiline:
                    self.write(",")
                    if self.chance(0.3):
                        self.write(" # ] , { x = 1")
            self.write("\n]" if multiline else "]")
        else:
            self.write(self.scalar(value))


def all_paths(value: Any, path: PathTuple = ()) -> list[PathTuple]:
    """Every dict-key path and array-index path in a parsed document."""
    out: list[PathTuple] = []
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, child in items:
        out.append(path + (key,))
        out.extend(all_paths(child, path + (key,)))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.randoms(use_true_random=False))
def test_every_parsed_path_has_its_written_position(data: dict[str, Any],
                                                    rnd: random.Random) -> None:
    writer = Writer(rnd)
    writer.document(data)
    text = writer.text()
    assert tomllib.loads(text) == data  # the test's writer wrote what it meant to

    pos = key_positions(text)
    missing = [p for p in all_paths(data) if p not in pos]
    assert not missing, text
    for path, expected in writer.expected.items():
        assert pos[path] == expected, (path, text)
    lines = text.split("\n")  # TOML lines, not str.splitlines (which splits at U+2028)
    for path, written in writer.key_text.items():
        line, _ = pos[path]
        assert written in lines[line - 1], (path, text)
