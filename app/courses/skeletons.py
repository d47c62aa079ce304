"""An assignment's skeleton (its course's handout file): stored only when the profile serves all it imports."""
import functools
import hashlib

from app.courses import audit
from grader import skeleton
from grader.catalog import PROFILES

MAX_BYTES = skeleton.MAX_BYTES
SkeletonError = skeleton.SkeletonError


def store(session, assignment, data, actor_id=None):
    """Check the file (bytes) against the assignment's profile and keep it; SkeletonError says why not."""
    read = skeleton.check(data, PROFILES[assignment.profile])
    assignment.skeleton = data.decode('utf-8-sig')
    assignment.skeleton_boilerplate = [list(span) for span in read.boilerplate]
    audit.record(session, 'skeleton set', actor_id, assignment=assignment, detail='%d bytes, sha256 %s, %d imports'
                 % (len(data), hashlib.sha256(data).hexdigest()[:12], len(read.needs)))
    return read


def remove(session, assignment, actor_id=None):
    assignment.skeleton = assignment.skeleton_boilerplate = None
    audit.record(session, 'skeleton removed', actor_id, assignment=assignment)


def profile_problem(assignment, profile):
    """Why the assignment's stored skeleton cannot move to this profile, or ''."""
    if not assignment.skeleton or profile not in PROFILES or profile == assignment.profile:
        return ''
    try:
        skeleton.check(assignment.skeleton, PROFILES[profile])
    except SkeletonError as exc:
        return 'the assignment keeps its skeleton: %s' % exc
    return ''


def summary(assignment):
    """What the pages and the API show of a stored skeleton: its size, imports and what the profile no longer
    serves of them (a newer grader) (None: no skeleton)."""
    if not assignment.skeleton:
        return None
    data = assignment.skeleton.encode('utf-8', 'surrogatepass')
    try:
        read = _read(data)
        unserved = [str(p) for p in skeleton.problems(read.needs, PROFILES[assignment.profile])]
    except (SkeletonError, KeyError) as exc:
        read, unserved = skeleton.Skeleton((), ()), [str(exc)]
    return {'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(),
            'imports': [{'line': n.line, 'module': skeleton.shown(n.module),
                         'names': [skeleton.shown(name) for name in n.names]} for n in read.needs],
            'boilerplate': [list(span) for span in read.boilerplate], 'unserved': unserved}


@functools.lru_cache(maxsize=8)
def _read(data):
    return skeleton.read(data)
