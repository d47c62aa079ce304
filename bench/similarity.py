"""The similarity report's cost on a real-size course: a full report, and each new upload afterwards.

    python bench/similarity.py [--students 1000] [--archive 3000] [--uploads 10] [--db PATH]

Every file is the real handout (tests/submissions/correct_naive with each TODO block emptied, stored as the
assignment's skeleton) with each of its TODO blocks filled by seeded code of its own (~45 KB, like a real
solution); the archive holds synthetic past submissions, a few students hold renamed copies of archive files or
of classmates. The database is SQLite in a temporary folder (AG_STORAGE=db: files and fingerprints in it).
Prints the full report's time (fingerprinting everything, then a second full run with the fingerprints
stored) and the seconds each new upload costs the worker's incremental update.
"""
import argparse
import os
import re
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import func, select  # noqa: E402

from app.cli.migrate import upgrade  # noqa: E402
from app.core.db import make_engine, make_sessionmaker  # noqa: E402
from app.core.models import ArchiveFile, PrintHash, SimilarityPair, Submission, User  # noqa: E402
from app.core.storage import DbStorage  # noqa: E402
from app.reports import similarity_store  # noqa: E402
from tests.unit.app.similarity_class import own_code, renamed  # noqa: E402
from tests.unit.app.similarity_world import handout_of, make_class, real, submit  # noqa: E402

BLOCK = re.compile(r'(#[^\n]*TODO[^\n]*\n)(\s*)pass(\n[ \t]*#+\s*END OF YOUR CODE)')


def filled(handout, seed):
    """The handout with each TODO block holding code of its own."""
    count = [0]

    def body(m):
        count[0] += 1
        indent = m.group(2).strip('\n')
        return m.group(1) + indent + own_code(seed * 100 + count[0], 8).replace('\n        ', '\n' + indent) + \
            m.group(3)
    return BLOCK.sub(body, handout)


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work):
    start = time.perf_counter()
    out = work()
    return time.perf_counter() - start, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--students', type=int, default=1000)
    parser.add_argument('--archive', type=int, default=3000)
    parser.add_argument('--uploads', type=int, default=10)
    parser.add_argument('--db', help='SQLite file (default: a temporary one)')
    args = parser.parse_args()
    handout = handout_of(real('correct_naive'))
    folder = tempfile.mkdtemp(prefix='simbench-')
    url = 'sqlite:///%s' % (args.db or os.path.join(folder, 'bench.sqlite'))
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        storage = DbStorage(session)
        course, assignment = make_class(session, storage, skeleton=handout)
        start = time.perf_counter()
        now = datetime.now(timezone.utc)
        for i in range(args.archive):                         # one transaction: the setup is not what is measured
            source = filled(handout, 10_000 + i).encode()
            session.add(ArchiveFile(course_id=course.id, label='past %d' % (2020 + i % 5), size=len(source),
                                    name='a%04d/convolutional_networks.py' % i, sha256=storage.put(source),
                                    added_at=now))
        for i in range(args.students):
            source = filled(handout, i)
            if i % 250 == 7:                                  # a few copies: of the archive, of a classmate
                source = renamed(filled(handout, 10_000 + i))
            elif i % 250 == 9:
                source = renamed(filled(handout, i - 1))
            user = User(email='s%04d@x' % i, password_hash='-', created_at=now)
            session.add(user)
            session.flush()
            session.add(Submission(owner_id=user.id, assignment_id=assignment.id, files=[], requested_at=now,
                                   content_sha256=storage.put(source.encode())))
        session.commit()
        kb = len(filled(handout, 1)) / 1024
        session.expunge_all()
        print('%d students + %d archive files of ~%.0f KB stored in %.0f s (peak %.0f MiB)' % (
            args.students, args.archive, kb, time.perf_counter() - start, peak_mib()), flush=True)
        cold, _ = timed(lambda: similarity_store.work(session, assignment, storage, full=True))
        pairs = session.scalar(select(func.count()).select_from(SimilarityPair))
        index = session.scalar(select(func.count()).select_from(PrintHash))
        print('full report, fingerprinting every file: %.1f s (%d pairs, %d index rows; peak %.0f MiB)' % (
            cold, pairs, index, peak_mib()), flush=True)
        warm, _ = timed(lambda: similarity_store.work(session, assignment, storage, full=True))
        print('full report again, fingerprints stored: %.1f s' % warm, flush=True)
        costs = []
        for i in range(args.uploads):
            seed = 50_000 + i
            source = renamed(filled(handout, 10_000 + i)) if i == 0 else filled(handout, seed)
            submit(session, storage, assignment, 'new%02d@x' % i, source)
            spent, _ = timed(lambda: similarity_store.work(session, assignment, storage))
            costs.append(spent)
        after = session.scalar(select(func.count()).select_from(SimilarityPair))
        print('each new upload (incremental update): mean %.2f s, max %.2f s over %d uploads; %d pairs now '
              '(the first upload copies an archive file)' % (sum(costs) / len(costs), max(costs), len(costs), after))
    engine.dispose()


if __name__ == '__main__':
    main()
