"""The labelled set (tests/enrich/eval) as a regression floor: the issue's goals, not more."""

from tests.plugins.enrich_data import EVAL, REPO
from tracker.enrich.evaluation import evaluate, seed_check


def test_labelled_set_meets_the_goals(matcher):
    reports, totals = evaluate(EVAL, REPO, matcher)
    assert len(reports) >= 16
    assert totals["statement"].f1 >= 0.8
    assert totals["aspect"].f1 >= 0.7


def test_seed_report_both_ministries_and_four_disputed_aspects(matcher):
    reports, _ = evaluate(EVAL / "seed-rferl.json", REPO, matcher)
    assert all(seed_check(reports[0]).values()), seed_check(reports[0])


def test_every_label_anchor_occurs_in_its_article(matcher):
    # evaluate() raises on an anchor missing from the text; this names the file when it does.
    for path in sorted(EVAL.glob("*.json")):
        evaluate(path, REPO, matcher)
