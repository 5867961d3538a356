"""``Evaluation.results`` as the engine makes it reads, compares and pickles as a dict.

The engine keeps each indicator's trace as a tuple of its fields and builds
the ``IndicatorResult`` objects on first read (evaluation.py, ``_Results``);
these tests check that a reader cannot tell it from the dict it stands for.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import attrs
import pytest

import perfrubric as pr

SEED = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


@pytest.fixture(scope="module")
def rubric() -> pr.Rubric:
    return pr.load_rubric(SEED / "rubric.toml")


def _fresh(rubric: pr.Rubric) -> pr.Evaluation:
    return pr.evaluate(rubric, SEED / "data.toml")


def test_reads_as_the_dict_of_its_results(rubric: pr.Rubric) -> None:
    ev = _fresh(rubric)
    results = ev.results
    order = [ind.path for ind in rubric.walk()]
    # keys in table order, before any result is built, and after
    assert list(results) == order
    assert len(results) == len(order)
    assert order[0] in results and "no such indicator" not in results
    plain = dict(results)
    assert list(plain) == order
    assert results == plain and plain == results
    assert repr(results) == repr(plain)
    assert list(reversed(results)) == order[::-1]
    assert results.get("no such indicator") is None
    # the same objects on every read
    assert results[order[0]] is results[order[0]] is plain[order[0]]
    assert [r.path for r in results.values()] == order
    assert [p for p, _ in results.items()] == order
    with pytest.raises(KeyError):
        results["no such indicator"]


def test_the_same_result_read_first_by_key_or_by_iteration(rubric: pr.Rubric) -> None:
    by_key, by_values = _fresh(rubric), _fresh(rubric)
    leaf = next(ind.path for ind in rubric.walk() if not ind.children)
    first = by_key.results[leaf]
    assert list(by_values.results.values())[[i.path for i in rubric.walk()].index(leaf)] \
        == first
    assert by_key == by_values
    assert by_key.to_dict() == by_values.to_dict()


def test_pickles_before_and_after_it_is_read(rubric: pr.Rubric) -> None:
    unread = attrs.evolve(_fresh(rubric), rubric=None)  # as a batch worker sends it
    read = attrs.evolve(_fresh(rubric), rubric=None)
    assert len(list(read.results.values())) == len(read.results)
    for ev in (unread, read):
        back = pickle.loads(pickle.dumps(ev))
        assert back.results == ev.results
        assert list(back.results) == list(ev.results)
        # detail comes back as the mapping it was, not as its packed form
        assert all(isinstance(r.detail, dict) for r in back.results.values())
        assert attrs.evolve(back, rubric=rubric).to_dict() == _fresh(rubric).to_dict()


def test_a_batch_reads_the_same_leaf_scores_unread_or_read(rubric: pr.Rubric) -> None:
    from perfrubric.engine.compiled import Totals

    unread = Totals.of(_fresh(rubric), keep=False)  # from the rows, building no result
    ev = _fresh(rubric)
    leaves = [r for r in ev.results.values() if r.is_leaf]
    read = Totals.of(ev, keep=False)  # from the results, now built
    assert dict(unread.scores) == dict(read.scores) == {r.path: r.score for r in leaves}
    assert list(unread.scores) == [r.path for r in leaves]
    assert dict(unread.measured) == dict(read.measured) == {
        r.path: r.measured for r in leaves if r.measured is not None}
    assert unread.measured  # the seed example measures values
