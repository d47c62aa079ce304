"""The similarity report kept in a real database (migrated SQLite and PostgreSQL): the handout left out in a
class of two, an archive match found and labelled, the incremental path giving the same pairs as a full run,
obfuscated copies found and a vectorised rewrite of a loop solution not flagged."""
import pytest
from sqlalchemy import select

from app.cli.migrate import upgrade
from app.core.db import make_engine, make_sessionmaker
from app.core.models import ArchiveFile, SimilarityPair, SimilarityState
from app.core.storage import DbStorage
from app.reports import similarity_store as store
from tests.unit.app import similarity_class as synthetic
from tests.unit.app.similarity_world import add_archive, handout_of, make_class, obfuscated, real, submit

SYNTHETIC_HANDOUT = synthetic.SKELETON.replace('{BODY}', '# TODO: your code\n        pass\n        # END OF YOUR CODE')


@pytest.fixture(params=['sqlite', 'postgresql'])
def session(request, tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'db.sqlite') if request.param == 'sqlite' else \
        request.getfixturevalue('fresh_postgres')
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def pairs(session, assignment):
    """{key: (shared, score rounded)} of the stored pairs."""
    return {p.key: (p.shared, round(p.score, 9)) for p in session.scalars(
        select(SimilarityPair).where(SimilarityPair.assignment_id == assignment.id))}


def run(session, assignment, full=False):
    assert store.work(session, assignment, DbStorage(session), full) == 'done'
    assert session.get(SimilarityState, assignment.id).status == 'done'
    return pairs(session, assignment)


def test_the_handout_is_left_out_in_a_class_of_two(session):
    _, without = make_class(session, None, 'c1', 'a1')
    _, stored = make_class(session, None, 'c2', 'a2', skeleton=SYNTHETIC_HANDOUT)
    storage = DbStorage(session)
    for assignment in (without, stored):
        submit(session, storage, assignment, 's1-%s@x' % assignment.slug, synthetic.student(1))
        submit(session, storage, assignment, 's2-%s@x' % assignment.slug, synthetic.student(2))
    for assignment in (without, stored):                             # every pair listed, however small
        store.state_of(session, assignment)
        store.rebuild(session, assignment, storage, min_score=0.0)
    assert list(pairs(session, without).values())[0][1] > 0.15      # two files: the handout looks like copying
    assert max([score for _, score in pairs(session, stored).values()] or [0]) < 0.05   # the handout is left out
    state = session.get(SimilarityState, stored.id)
    assert state.given_from.startswith('skeleton ') and state.given == [] and state.students == 2   # no class rule


def test_an_archive_match_is_found_and_labelled(session):
    course, assignment = make_class(session, None, skeleton=SYNTHETIC_HANDOUT)
    storage = DbStorage(session)
    for i in range(3):
        add_archive(session, storage, course, 'EECS 498 fall 2025', 'senior%d/convolutional_networks.py' % i,
                    synthetic.student(100 + i))
    found = add_archive(session, storage, course, 'github.com/someone', 'a3/convolutional_networks.py',
                        synthetic.student(200))
    honest = submit(session, storage, assignment, 'honest@x', synthetic.student(1))
    copier = submit(session, storage, assignment, 'copier@x', synthetic.renamed(synthetic.student(200)))
    found_pairs = run(session, assignment)
    assert list(found_pairs) == ['a:%d:%d' % (copier, found)] and found_pairs['a:%d:%d' % (copier, found)][1] > 0.9
    pair = session.scalars(select(SimilarityPair)).one()
    assert pair.submission_id == copier and pair.other_submission_id is None
    assert session.get(ArchiveFile, pair.archive_file_id).label == 'github.com/someone'
    assert honest not in (pair.submission_id,)


def test_the_incremental_path_gives_the_same_pairs_as_a_full_run(session):
    course, assignment = make_class(session, None, skeleton=SYNTHETIC_HANDOUT)
    storage = DbStorage(session)
    add_archive(session, storage, course, 'web', 'one.py', synthetic.student(300))
    sources = [('s%d@x' % i, synthetic.student(i)) for i in range(6)] + [
        ('copy@x', synthetic.renamed(synthetic.student(2))),          # a classmate's copy
        ('web@x', synthetic.renamed(synthetic.student(300))),         # the archive's
        ('twin@x', synthetic.student(4)),                             # the very same file as s4's
        ('s1@x', synthetic.student(50)),                              # s1 uploads again: their old pairs go
        ('late@x', synthetic.renamed(synthetic.student(1)))]          # copies s1's old file: no pair now
    seen = []
    for email, source in sources:
        submit(session, storage, assignment, email, source)
        seen.append(run(session, assignment))                         # one new upload compared at a time
    add_archive(session, storage, course, 'web', 'two.py', synthetic.student(50))   # s1's new file, online
    incremental = run(session, assignment)
    assert session.get(SimilarityState, assignment.id).total == 1     # only the new file was compared
    assert store.update(session, assignment, storage) == 0            # nothing is compared twice
    full = run(session, assignment, full=True)
    assert incremental == full and len(full) == 4, full
    assert any(len(s) == 1 for s in seen) and seen[-1] != incremental


def test_obfuscated_copies_are_found_and_a_vectorised_rewrite_is_not(session):
    loops = real('correct_naive')
    _, assignment = make_class(session, None, skeleton=handout_of(loops))
    storage = DbStorage(session)
    original = submit(session, storage, assignment, 'loops@x', loops)
    copy = submit(session, storage, assignment, 'copy@x', obfuscated(loops))
    rewrite = submit(session, storage, assignment, 'rewrite@x', real('correct_vectorized'))
    assert obfuscated(loops) != loops and 'padded' in obfuscated(loops)
    found = run(session, assignment)
    assert set(found) == {'s:%d:%d' % (original, copy)} and found['s:%d:%d' % (original, copy)][1] > 0.8
    store.rebuild(session, assignment, storage, min_score=0.0)                 # every pair, however small
    assert pairs(session, assignment)['s:%d:%d' % (original, rewrite)][1] < 0.15     # 0.195 with the handout's
    # k-grams only subtracted: those that straddle the handout and the student's code counted as shared
