"""docs/catalog.md is the generated catalog of the default profile, advisory marks and dependencies included."""
import os

from grader.__main__ import main
from grader.catalog import PROFILES, get_profile
from grader.catalog.table import markdown

DOC = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'docs', 'catalog.md')


def test_docs_catalog_is_current():
    with open(DOC, encoding='utf-8') as f:
        assert f.read() == markdown(get_profile('eecs498')), 'run: python -m grader catalog > docs/catalog.md'


def test_every_check_has_a_row_with_its_contract_and_dependencies():
    for profile in PROFILES.values():
        text = markdown(profile)
        for spec in profile.checks:
            row = next(line for line in text.splitlines() if line.startswith('| `%s` |' % spec.id))
            assert ('advisory: ' in row) == bool(spec.advisory)
            for d in spec.depends_on:
                assert d in row.split(' | ')[3]


def test_cli_prints_it(capsys):
    assert main(['catalog', '--profile', 'sta9131']) == 0
    assert capsys.readouterr().out == markdown(get_profile('sta9131'))
