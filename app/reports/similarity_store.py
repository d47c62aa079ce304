"""The similarity report kept in the database, computed by a worker (worker/tasks.py), read by the pages.

Each file is fingerprinted once per handout, by its sha256 and the handout's digest (print_sets; the handout's
code left out), and indexed by hash (print_hashes). An assignment's
report holds its members (each student's latest file, the course's archive files) with their own fingerprints'
count, and the pairs that share at least MIN_SCORE of what the smaller of the two wrote. `update` compares only
the files not compared yet, each once against the members, by looking its hashes up in the index; `rebuild`
recomputes everything in memory (the same pairs: a test shows it). One task at a time works on an assignment
(`claim`); a task that finds it taken leaves the new files to the one working, which looks again before it ends.
"""
import hashlib
import json
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update as sql_update

from app.accounts.access import emails_of
from app.core.models import ArchiveFile, Assignment, PrintHash, PrintSet, SimilarityMember, SimilarityPair, \
    SimilarityState, Submission
from app.core.storage import INSERTS, open_storage
from app.courses import archive_files
from app.reports import similarity

log = logging.getLogger(__name__)
LOOKUP_CHUNK = 500            # hashes per IN (...) of a lookup (SQLite allows 32 766 parameters)
PROGRESS_EVERY = 25           # files between two commits of the progress
CLAIM_EXPIRES = timedelta(minutes=15)     # a claim older than this was a worker that died


def _insert(session, table, rows, keys):
    """Insert rows, skipping those whose key another task wrote first."""
    if not rows:
        return
    insert = INSERTS.get(session.get_bind().dialect.name)
    if insert:                                         # the table itself: Core's executemany, not the ORM's
        session.execute(insert(table.__table__).on_conflict_do_nothing(index_elements=keys), rows)
    else:
        for row in rows:
            session.merge(table(**row))


def handout(assignment):
    """(basis, k-gram hashes of the handout) of an assignment: its stored skeleton's boilerplate, else ('', None)."""
    if not assignment.skeleton:
        return '', None
    return given_key(assignment).split()[1], similarity.skeleton_code(assignment)


def prints_for(session, storage, sha, basis='', left_out=None):
    """(print set id, {hash: (first line, last line)}) of a stored file with the handout's code left out,
    fingerprinted and indexed on first use."""
    found = session.execute(select(PrintSet.id, PrintSet.data).where(PrintSet.sha256 == sha,
                                                                      PrintSet.basis == basis)).first()
    if found is not None:
        return found[0], similarity.unpack(bytes(found[1]))
    prints = similarity._fingerprints(storage.get(sha).decode('utf-8', 'replace'), left_out)   # stored: no cache
    _insert(session, PrintSet, [{'sha256': sha, 'basis': basis, 'count': len(prints),
                                 'data': similarity.pack(prints)}], ['sha256', 'basis'])
    print_id = session.scalar(select(PrintSet.id).where(PrintSet.sha256 == sha, PrintSet.basis == basis))
    _insert(session, PrintHash, [{'hash': h, 'print_id': print_id} for h in prints], ['hash', 'print_id'])
    return print_id, prints


def latest(session, assignment):
    """{'s:<id>': sha256} of each student's latest submission."""
    last = {}
    for sub_id, owner, sha in session.execute(select(Submission.id, Submission.owner_id, Submission.content_sha256)
                                              .where(Submission.assignment_id == assignment.id)
                                              .order_by(Submission.id)):
        last[owner] = (sub_id, sha)
    return {'s:%d' % sub_id: sha for sub_id, sha in last.values()}


def archive(session, assignment):
    """{'a:<id>': sha256} of the course's archive files."""
    return {'a:%d' % i: sha for i, sha in session.execute(
        select(ArchiveFile.id, ArchiveFile.sha256).where(ArchiveFile.course_id == assignment.course_id))}


def given_key(assignment):
    """What the given code comes from: the skeleton (by the digest of it and its spans) or the class."""
    if not assignment.skeleton:
        return 'class'
    text = json.dumps([assignment.skeleton, assignment.skeleton_boilerplate or []])
    return 'skeleton ' + hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()


def state_of(session, assignment):
    state = session.get(SimilarityState, assignment.id)
    if state is None:
        _insert(session, SimilarityState, [{'assignment_id': assignment.id, 'status': 'queued', 'done': 0,
                                            'total': 0, 'students': 0, 'given_from': '', 'given': [],
                                            'message': ''}], ['assignment_id'])
        session.commit()
        state = session.get(SimilarityState, assignment.id)
    return state


def claim(session, assignment):
    """True when this task may work on the assignment's report now (committed: others see it taken)."""
    state_of(session, assignment)
    now = datetime.now(timezone.utc)
    taken = session.execute(sql_update(SimilarityState).where(
        SimilarityState.assignment_id == assignment.id,
        (SimilarityState.status != 'running') | (SimilarityState.started_at < now - CLAIM_EXPIRES))
        .values(status='running', started_at=now, message='')).rowcount
    session.commit()
    return taken == 1


def release(session, assignment, status='done', message=''):
    session.execute(sql_update(SimilarityState).where(SimilarityState.assignment_id == assignment.id)
                    .values(status=status, message=message[:2000], finished_at=datetime.now(timezone.utc)))
    session.commit()


def _progress(session, assignment, done, total):
    session.execute(sql_update(SimilarityState).where(SimilarityState.assignment_id == assignment.id)
                    .values(done=done, total=total))
    session.commit()


def _pair_row(assignment_id, x, y, shared, score):
    """The row of two holders ('s:<id>' or 'a:<id>'), at least one a submission."""
    (kx, ix), (ky, iy) = [(h[0], int(h[2:])) for h in (x, y)]
    if kx == ky == 's':
        low, high = sorted((ix, iy))
        return {'assignment_id': assignment_id, 'key': 's:%d:%d' % (low, high), 'submission_id': low,
                'other_submission_id': high, 'archive_file_id': None, 'shared': shared, 'score': score}
    sub, other = (ix, iy) if kx == 's' else (iy, ix)
    return {'assignment_id': assignment_id, 'key': 'a:%d:%d' % (sub, other), 'submission_id': sub,
            'other_submission_id': None, 'archive_file_id': other, 'shared': shared, 'score': score}


def rebuild(session, assignment, storage, min_score=similarity.MIN_SCORE):
    """Fingerprint what is missing, choose the given code again and recompute every pair (the caller claimed)."""
    holders = {**latest(session, assignment), **archive(session, assignment)}
    basis, left_out = handout(assignment)
    shas = sorted(set(holders.values()))
    ids, prints = {}, {}
    for i, sha in enumerate(shas):                     # only the hashes stay in memory, not their lines
        ids[sha], found = prints_for(session, storage, sha, basis, left_out)
        prints[sha] = frozenset(found)
        if (i + 1) % PROGRESS_EVERY == 0 or i + 1 == len(shas):
            _progress(session, assignment, i + 1, len(shas))
    students = [sha for h, sha in holders.items() if h[0] == 's']
    given = frozenset() if left_out is not None else \
        frozenset(similarity._common([prints[sha] for sha in students], len(students)))
    sha_pairs, _ = similarity.rank_prints(prints, min_score, given, set(prints) - set(students))
    by_sha = {}
    for h, sha in sorted(holders.items()):
        by_sha.setdefault(sha, []).append(h)
    own = {sha: len(p) - len(p & given) for sha, p in prints.items()}
    rows = {}
    for score, n, a, b in sha_pairs + [(1.0, own[s], s, s) for s in by_sha if own[s] and len(by_sha[s]) > 1]:
        for x in by_sha[a]:
            for y in by_sha[b]:
                if x != y and 's' in (x[0], y[0]):
                    row = _pair_row(assignment.id, x, y, n, score)
                    rows[row['key']] = row
    session.execute(delete(SimilarityPair).where(SimilarityPair.assignment_id == assignment.id))
    session.execute(delete(SimilarityMember).where(SimilarityMember.assignment_id == assignment.id))
    _insert(session, SimilarityMember, [{'assignment_id': assignment.id, 'holder': h, 'print_id': ids[sha],
                                         'own': own[sha]} for h, sha in holders.items()], ['assignment_id', 'holder'])
    _insert(session, SimilarityPair, list(rows.values()), ['assignment_id', 'key'])
    session.execute(sql_update(SimilarityState).where(SimilarityState.assignment_id == assignment.id).values(
        given=sorted(given), given_from=given_key(assignment), students=len(students)))
    session.commit()
    return len(rows)


def needs_rebuild(session, assignment):
    """The given code changed (a skeleton stored or removed), or without a skeleton the class more than
    doubled since the given code was chosen, or no full run finished yet."""
    state = session.get(SimilarityState, assignment.id)
    if state is None or not state.given_from or state.given_from != given_key(assignment):
        return True
    if assignment.skeleton:
        return False
    students = sum(1 for h in latest(session, assignment) if h[0] == 's')
    return students > max(2, 2 * state.students)


def update(session, assignment, storage, min_score=similarity.MIN_SCORE):
    """Compare each file not compared yet, once, against the members (the caller claimed); drop the pairs of
    files that are no longer a student's latest or in the archive. Returns the number of files compared."""
    holders = {**latest(session, assignment), **archive(session, assignment)}
    members = {h: (print_id, own) for h, print_id, own in session.execute(
        select(SimilarityMember.holder, SimilarityMember.print_id, SimilarityMember.own)
        .where(SimilarityMember.assignment_id == assignment.id))}
    gone = [h for h in members if h not in holders]
    for h in gone:
        kind, ident = h[0], int(h[2:])
        column = SimilarityPair.archive_file_id if kind == 'a' else SimilarityPair.submission_id
        session.execute(delete(SimilarityPair).where(SimilarityPair.assignment_id == assignment.id, column == ident))
        if kind == 's':
            session.execute(delete(SimilarityPair).where(SimilarityPair.assignment_id == assignment.id,
                                                         SimilarityPair.other_submission_id == ident))
        del members[h]
    session.execute(delete(SimilarityMember).where(SimilarityMember.assignment_id == assignment.id,
                                                   SimilarityMember.holder.in_(gone)))
    session.commit()
    given = frozenset(session.get(SimilarityState, assignment.id).given)
    basis, left_out = handout(assignment)
    new = sorted((h for h in holders if h not in members), key=lambda h: (h[0] != 's', int(h[2:])))
    for i, x in enumerate(new):
        print_id, prints = prints_for(session, storage, holders[x], basis, left_out)
        own_x = set(prints) - given
        counts = _lookup(session, own_x)
        rows = []
        for y, (other, own_y) in members.items():
            n = counts.get(other, 0)
            score = n / max(1, min(len(own_x), own_y))
            if n and score >= min_score and 's' in (x[0], y[0]):
                rows.append(_pair_row(assignment.id, x, y, n, score))
        _insert(session, SimilarityPair, rows, ['assignment_id', 'key'])
        _insert(session, SimilarityMember, [{'assignment_id': assignment.id, 'holder': x, 'print_id': print_id,
                                             'own': len(own_x)}], ['assignment_id', 'holder'])
        members[x] = (print_id, len(own_x))
        session.commit()
        if (i + 1) % PROGRESS_EVERY == 0 or i + 1 == len(new):
            _progress(session, assignment, i + 1, len(new))
    return len(new)


def _lookup(session, hashes):
    """{print set id: how many of these hashes it holds}."""
    counts, hashes = {}, sorted(hashes)
    for i in range(0, len(hashes), LOOKUP_CHUNK):
        for print_id, n in session.execute(select(PrintHash.print_id, func.count()).where(
                PrintHash.hash.in_(hashes[i:i + LOOKUP_CHUNK])).group_by(PrintHash.print_id)):
            counts[print_id] = counts.get(print_id, 0) + n
    return counts


def given(session, assignment, storage):
    """(handout k-grams or None, fingerprints left out as the class's shared code) for the compare page: the
    last report's, else chosen now."""
    _, left_out = handout(assignment)
    if left_out is not None:
        return left_out, frozenset()
    state = session.get(SimilarityState, assignment.id)
    if state is not None and state.given_from == given_key(assignment):
        return None, frozenset(state.given)
    return None, similarity.given_code(session, assignment, storage)


def assignments_of(session, course_id):
    return session.scalars(select(Assignment).where(Assignment.course_id == course_id)).all()


def pending(session, assignment):
    """Files of the report not compared yet, or compared ones no longer in it."""
    holders = set(latest(session, assignment)) | set(archive(session, assignment))
    members = set(session.scalars(select(SimilarityMember.holder)
                                  .where(SimilarityMember.assignment_id == assignment.id)))
    return holders != members


def work(session, assignment, storage, full=False):
    """The worker's task: claim the report, rebuild it (full, or when needs_rebuild) or update it, and look again
    before leaving. 'busy' when another task holds it; any failure is kept on the state's message."""
    if not claim(session, assignment):
        return 'busy'
    try:
        while True:
            if full or needs_rebuild(session, assignment):
                rebuild(session, assignment, storage)
                full = False
            else:
                update(session, assignment, storage)
            release(session, assignment)
            if not (pending(session, assignment) or needs_rebuild(session, assignment)) or \
                    not claim(session, assignment):
                return 'done'
    except Exception as exc:
        session.rollback()
        release(session, assignment, 'error', '%s: %s' % (type(exc).__name__, str(exc)[:300]))
        raise


MAX_PAIRS_SHOWN = 500


def report(session, assignment):
    """What the page and the API show: the report's progress and its pairs, highest share first (at most
    MAX_PAIRS_SHOWN), each student by e-mail and each archive file by its label and path."""
    state = session.get(SimilarityState, assignment.id)
    rows = session.scalars(select(SimilarityPair).where(SimilarityPair.assignment_id == assignment.id)
                           .order_by(SimilarityPair.score.desc(), SimilarityPair.shared.desc(), SimilarityPair.id)
                           .limit(MAX_PAIRS_SHOWN)).all()
    subs = {s.id: s for s in session.scalars(select(Submission).where(Submission.id.in_(
        {r.submission_id for r in rows} | {r.other_submission_id for r in rows} - {None})))}
    files = {f.id: f for f in session.scalars(select(ArchiveFile).where(ArchiveFile.id.in_(
        {r.archive_file_id for r in rows} - {None})))}
    emails = emails_of(session, [s.owner_id for s in subs.values()])
    pairs = []
    for r in rows:
        if r.submission_id not in subs or (r.archive_file_id or r.other_submission_id) not in \
                (files if r.archive_file_id else subs):
            continue                                   # removed since the report ran
        pair = {'score': r.score, 'shared': r.shared, 'a': emails.get(subs[r.submission_id].owner_id, '?'),
                'a_sub': r.submission_id, 'b_sub': r.other_submission_id, 'archive_file': r.archive_file_id}
        if r.archive_file_id is None:
            pair['b'] = emails.get(subs[r.other_submission_id].owner_id, '?')
        else:
            found = files[r.archive_file_id]
            pair['b'], pair['label'], pair['name'] = 'archive: %s · %s' % (found.label, found.name), found.label, \
                found.name
        pairs.append(pair)
    students = sum(1 for h in latest(session, assignment))
    archived = session.scalar(select(func.count()).select_from(ArchiveFile)
                              .where(ArchiveFile.course_id == assignment.course_id))
    return {'status': state.status if state else 'never run', 'done': state.done if state else 0,
            'total': state.total if state else 0, 'message': state.message if state else '',
            'finished_at': state.finished_at if state else None, 'students': students, 'archive_files': archived,
            'given_from': 'skeleton' if assignment.skeleton else 'class', 'pairs': pairs,
            'pair_count': session.scalar(select(func.count()).select_from(SimilarityPair)
                                         .where(SimilarityPair.assignment_id == assignment.id))}


def send(sender, assignment_id, full=False):
    """Ask a worker for the report (sender: app.grading.sender.Sender.similarity); a broker that is down is
    logged, not raised (the next upload or the page's button sends it again)."""
    try:
        sender(assignment_id, full)
    except Exception as exc:
        log.warning('similarity report of assignment %d not sent (%s)', assignment_id, exc)


def queue_reports(session, sender, assignments, full):
    """Mark the reports queued, commit, then ask a worker for each (a broker that is down: the page's button or
    the next upload sends it again)."""
    for assignment in assignments:
        mark_queued(session, assignment)
    session.commit()
    for assignment in assignments:
        send(sender, assignment.id, full)


def import_archive(session, settings, sender, course, label, filename, data, actor_id=None):
    """Read a zip (hostile; CPU work: callers run it off the event loop), keep its files in the course's archive
    and ask for each of its assignments' full report -> (added, already there, files in the zip). Invalid with the
    reason for a bad zip or label."""
    files = archive_files.read_zip(filename or 'the zip', data, settings.upload_max_file_bytes)
    added, there = archive_files.add(session, open_storage(settings, session), course,
                                     label if isinstance(label, str) else '', files, actor_id)
    queue_reports(session, sender, assignments_of(session, course.id), True)
    return added, there, len(files)


def mark_queued(session, assignment):
    """The state says queued (the page shows it) unless a task is at work; the caller commits, then sends."""
    state = state_of(session, assignment)
    if state.status != 'running':
        state.status, state.done, state.total, state.message = 'queued', 0, 0, ''
