"""Which students' latest files share unusually much code: token k-grams, winnowed, compared pairwise.

Names become one token (renaming variables changes nothing) except attributes (`.sum`, `.zeros`: the API a
file uses), comments and whitespace vanish, strings and numbers become placeholders. Code that more than
half of the class shares (the assignment's skeleton, the course's helpers) is left out, so what remains is
what students wrote. A high score is a reason to look at
two files side by side, never proof of copying.
"""
import collections
import functools
import hashlib
import io
import keyword
import threading
import tokenize
import zlib

from sqlalchemy import select

from app.accounts.access import emails_of
from app.core.models import Submission

K, WINDOW = 20, 12                 # tokens per k-gram; window of the winnowing (a match of K+WINDOW-1 is seen)
MIN_SCORE = 0.25
# What one file may cost the web process: a real solution has ~10 000 tokens and ~1 200 lines; a 2 MiB upload
# of short tokens took 13 s and 340 MiB to fingerprint, one of empty lines made a 218 MB compare page.
MAX_TOKENS = 60_000                # tokens fingerprinted per file (the rest is not compared)
MAX_LINES_SHOWN = 5_000            # lines of a file on the compare page
CACHE_FILES = 1024                 # fingerprints kept, by the file's sha256 (not the file itself)


def tokens(source, limit=MAX_TOKENS):
    """[(token, line)] of a Python source, at most `limit`; a file that does not tokenize to the end keeps what
    came before."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if len(out) >= limit:
                break
            if tok.type == tokenize.NAME:
                plain = keyword.iskeyword(tok.string) or (out and out[-1][0] == '.')
                out.append((tok.string if plain else 'N', tok.start[0]))
            elif tok.type == tokenize.OP:
                out.append((tok.string, tok.start[0]))
            elif tok.type in (tokenize.NUMBER, tokenize.STRING):
                out.append(('0' if tok.type == tokenize.NUMBER else '"', tok.start[0]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


_cache, _cache_lock = collections.OrderedDict(), threading.Lock()


def fingerprints(source):
    """{hash: (first line, last line)} of the winnowed k-grams, cached across requests by the file's sha256."""
    key = hashlib.sha256(source.encode('utf-8', 'surrogatepass')).digest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = _fingerprints(source)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > CACHE_FILES:
            _cache.popitem(last=False)
    return found


def _fingerprints(source):
    """The hashes roll over the tokens' CRC-32s: the same in every process, so every view of a report agrees."""
    toks = tokens(source)
    grams = _rolling([_code(t) for t, _ in toks])
    chosen, window = {}, collections.deque()           # window: indexes of grams, their hashes increasing
    for i, h in enumerate(grams):
        while window and grams[window[-1]] >= h:       # the rightmost minimum wins ties
            window.pop()
        window.append(i)
        if window[0] <= i - WINDOW:
            window.popleft()
        if i >= WINDOW - 1 or i == len(grams) - 1:
            j = window[0]
            chosen.setdefault(grams[j], (toks[j][1], toks[j + K - 1][1]))
    return chosen


_MOD, _BASE = (1 << 61) - 1, 1_000_003
_TOP = pow(_BASE, K - 1, _MOD)


@functools.lru_cache(maxsize=4096)        # bounded: attribute names are the students' choice
def _code(token):
    return zlib.crc32(token.encode())


def _rolling(codes):
    """The polynomial hash of every K consecutive codes."""
    if len(codes) < K:
        return []
    h = 0
    for c in codes[:K]:
        h = (h * _BASE + c) % _MOD
    out = [h]
    for old, new in zip(codes, codes[K:]):
        h = ((h - old * _TOP) * _BASE + new) % _MOD
        out.append(h)
    return out


def _common(prints, students):
    """Fingerprints found in the files of more than half of the students (and of at least 3): given code."""
    seen = {}
    for fp in prints:
        for h in fp:
            seen[h] = seen.get(h, 0) + 1
    limit = max(2, students // 2)
    return {h for h, n in seen.items() if n > limit}


def source(storage, sub):
    return storage.get(sub.content_sha256).decode('utf-8', 'replace')


def latest_files(session, assignment, storage):
    """{owner_id: (submission, source)} of each student's latest stored submission."""
    latest = {}
    for sub in session.scalars(select(Submission).where(Submission.assignment_id == assignment.id)
                               .order_by(Submission.id)):
        latest[sub.owner_id] = sub
    files = {}
    for owner, sub in latest.items():
        try:
            files[owner] = (sub, source(storage, sub))
        except (OSError, ValueError):
            continue
    return files


def skeleton_code(assignment):
    """Fingerprints of the assignment's skeleton that lie in its boilerplate (the code outside the TODO blocks,
    grader.skeleton): given code, whatever share of the class has it."""
    if not assignment.skeleton:
        return frozenset()
    spans = assignment.skeleton_boilerplate or ()
    return frozenset(h for h, (first, last) in fingerprints(assignment.skeleton).items()
                     if any(a <= first and last <= b for a, b in spans))


def rank(sources, min_score=MIN_SCORE, given=frozenset()):
    """sources: {key: source} -> ([(score, shared fingerprints, key a, key b)] highest first, given code);
    given: fingerprints left out whoever has them (the skeleton's)."""
    keys = sorted(sources)
    prints = {k: fingerprints(sources[k]) for k in keys}
    common = _common(prints.values(), len(keys)) | given
    own = {k: set(prints[k]) - common for k in keys}
    holders = {}
    for k in keys:
        for h in own[k]:
            holders.setdefault(h, []).append(k)
    shared = {}
    for hs in holders.values():
        for i, a in enumerate(hs):
            for b in hs[i + 1:]:
                shared[a, b] = shared.get((a, b), 0) + 1
    pairs = [(n / max(1, min(len(own[a]), len(own[b]))), n, a, b) for (a, b), n in shared.items()]
    return sorted((p for p in pairs if p[0] >= min_score), key=lambda p: (-p[0], -p[1], p[2], p[3])), common


def report(session, assignment, storage, min_score=MIN_SCORE):
    """The pairs of students whose latest files share the most of what they wrote, highest first."""
    files = latest_files(session, assignment, storage)
    pairs, common = rank({owner: source for owner, (_, source) in files.items()}, min_score,
                         skeleton_code(assignment))
    emails = emails_of(session, files)
    return {'students': len(files), 'common': len(common),
            'pairs': [{'score': score, 'shared': n, 'a': emails[a], 'b': emails[b], 'a_sub': files[a][0].id,
                       'b_sub': files[b][0].id} for score, n, a, b in pairs]}


def shared_lines(source_a, source_b, ignore=frozenset()):
    """(lines of a, lines of b) covered by the fingerprints both files have, apart from `ignore`."""
    fa, fb = fingerprints(source_a), fingerprints(source_b)
    lines_a, lines_b = set(), set()
    for h in (set(fa) & set(fb)) - ignore:
        lines_a.update(range(fa[h][0], fa[h][1] + 1))
        lines_b.update(range(fb[h][0], fb[h][1] + 1))
    return lines_a, lines_b


def given_code(session, assignment, storage):
    """The fingerprints left out of the report as the class's shared code."""
    files = latest_files(session, assignment, storage)
    return frozenset(_common([fingerprints(source) for _, source in files.values()], len(files))) | \
        skeleton_code(assignment)
