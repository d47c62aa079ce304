"""docs/howto-grader.md stays true: the files and names it gives exist, and a check added as it says is built."""
import os
import re

from grader.catalog import base, table
from grader.components import FILES, conv
from grader.runner import procedures
from grader.scoring import expect
from tests.helpers.howto import CHECK_ID, profile_with_throwaway
from tests.helpers.paths import ROOT

DOC = os.path.join(ROOT, 'docs', 'howto-grader.md')


def _doc():
    with open(DOC, encoding='utf-8') as f:
        return f.read()


def test_every_file_and_folder_it_names_exists():
    named = set(re.findall(r'`((?:grader|reference|tests|docs)/[\w/.-]*)`', _doc()))
    assert len(named) > 20
    assert [p for p in sorted(named) if not os.path.exists(os.path.join(ROOT, p))] == []


def test_the_names_it_gives_are_there():
    assert conv.CONV_FORWARD.procedure == 'conv' and callable(conv.checks)
    assert conv in FILES
    for name in ('conv', 'maxpool', 'batchnorm', 'kaiming', 'model', 'save_load', 'overfit', 'solver'):
        assert name in procedures.PROCEDURES and name in expect.EXPECT
    assert 'conv_forward' in base.EECS498_THRESHOLDS and callable(base.catalog)


def test_a_check_added_to_its_component_file_gets_points_and_a_catalog_row(monkeypatch):
    profile = profile_with_throwaway(monkeypatch)
    spec = profile.check(CHECK_ID)
    assert (spec.component, spec.procedure, spec.advisory) == ('conv_forward', 'conv', '')
    own = [c for c in profile.checks if c.component == 'conv_forward']
    graded = [c for c in own if not c.advisory]
    assert spec.points == 8 / len(graded) and abs(sum(c.points for c in own) - 8) < 1e-9
    assert '| `%s` |' % CHECK_ID in table.markdown(profile)
