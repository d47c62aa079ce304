"""The dashboard's numbers and charts, the leaderboard's pseudonyms and the roster parser (pure code)."""
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace as Row

import pytest

from app.courses.roster import parse_roster
from app.reports import dashboard
from app.reports.leaderboard import pseudonym, standings
from app.web.charts import histogram_svg, pass_rate_svg, timeline_svg
from app.web.common import without_prefix

DUE = datetime(2026, 12, 10, 12, tzinfo=timezone.utc)


def sub(owner, minutes, status='graded', checks=(), score=None):
    return Row(owner_id=owner, requested_at=DUE + timedelta(minutes=minutes), id=owner * 1000 + minutes,
               status=status, checks=[Row(check_id=c, component=c.split('.')[0], status=s, metric=m, error=e)
                                      for c, s, m, e in checks], score=score)


def test_histogram_bins_cover_zero_to_max_and_put_the_max_in_the_top_bin():
    bins = dashboard.histogram([0, 9.9, 10, 55, 100, None], 100)
    assert [b[2] for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    assert bins[0][:2] == (0, 10) and bins[-1][:2] == (90, 100)


def test_pass_rates_use_each_students_latest_graded_submission_most_failed_first():
    subs = [sub(1, -60, checks=[('a.x', 'failed', '', None), ('b.y', 'passed', '', None)]),
            sub(1, -10, checks=[('a.x', 'passed', '', None), ('b.y', 'failed', '', None)]),
            sub(1, 5, status='queued'),
            sub(2, -30, checks=[('a.x', 'passed', '', None), ('b.y', 'failed', '', None)])]
    latest = dashboard.latest_graded(subs)
    assert sorted(s.requested_at for s in latest) == [DUE - timedelta(minutes=30), DUE - timedelta(minutes=10)]
    assert dashboard.pass_rates(latest) == [('b.y', 'b', 0, 2), ('a.x', 'a', 2, 2)]


def test_timeline_counts_uploads_per_hour_around_the_due_date():
    points = dashboard.timeline([sub(1, -30), sub(2, -20), sub(3, 0), sub(4, 61), sub(5, -49 * 60)], DUE)
    assert len(points) == 72 and points[48][0] == DUE
    assert (points[47][1], points[48][1], points[49][1], sum(c for _, c in points)) == (2, 1, 1, 4)
    assert dashboard.timeline([], None) == []


def test_charts_are_well_formed_svg_with_their_numbers():
    for svg in (histogram_svg(dashboard.histogram([50, 92], 92), 'best <scores>'),
                pass_rate_svg([('conv.x', 'conv', 1, 3)], 'rates'),
                timeline_svg(dashboard.timeline([sub(1, -30)], DUE), 48, 'uploads')):
        root = ET.fromstring(str(svg))
        assert root.tag.endswith('svg') and root.get('role') == 'img' and root.get('aria-label')
    rect = ET.fromstring(str(pass_rate_svg([('conv.x', 'conv', 1, 3)], 'rates'))).find('{*}rect')
    assert (rect.get('data-passed'), rect.get('data-total'), rect.get('class')) == ('1', '3', 'bar low')
    assert 'best &lt;scores&gt;' in str(histogram_svg([], 'best <scores>'))


def test_pseudonyms_are_stable_keyed_and_standings_take_each_best_accuracy():
    assert pseudonym('k', 1, 2) == pseudonym('k', 1, 2)
    assert len({pseudonym('k', 1, u) for u in range(50)}) > 45
    assert pseudonym('k', 1, 2) != pseudonym('other key', 1, 2)
    solver = lambda acc: ('solver.synthetic_cifar', 'passed', 'at_least', acc)  # noqa: E731
    rows = standings([sub(1, 0, checks=[solver(0.6)]), sub(1, 5, checks=[solver(0.7)]),
                      sub(2, 0, checks=[solver(0.65)]), sub(3, 0, status='error', checks=[solver(0.9)])], 'k', 1)
    assert [(owner, acc) for _, acc, owner in rows] == [(1, 0.7), (2, 0.65)]


def test_roster_csv_parsing():
    assert parse_roster('\ufeffEmail, Name ,role\nA@X.org,Ada,\nb@x.org,,instructor\n') == [
        ('a@x.org', 'Ada', 'student'), ('b@x.org', '', 'instructor')]
    with pytest.raises(ValueError, match='line 2: role must be student or instructor'):
        parse_roster('email,role\na@x.org,admin\n')
    with pytest.raises(ValueError, match='among them "email"'):
        parse_roster('')


def test_messages_lose_the_configuration_prefix_only():
    assert without_prefix('stride 1, pad 0: dx: rel_error 1e-1 > 1e-8', 'stride 1, pad 0') == \
        'dx: rel_error 1e-1 > 1e-8'
    assert without_prefix('other: text', 'stride 1, pad 0') == 'other: text'
    assert without_prefix('text', '') == 'text'
