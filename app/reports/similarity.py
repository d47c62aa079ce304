"""Which students' latest files share unusually much code: token k-grams, winnowed, compared pairwise.

Names become one token (renaming variables changes nothing) except attributes (`.sum`, `.zeros`: the API a
file uses), comments and whitespace vanish, strings and numbers become placeholders; fingerprints are a set,
so reordered functions match too. The handout's code is left out: every k-gram of the stored skeleton's
boilerplate, whatever the class's size; without a skeleton, what more than half of the class shares stands in
for it. What remains is what students wrote. A high score is a reason to look at two files side by side, never
proof of copying. app.reports.similarity_store keeps the fingerprints and the pairs in the database.
"""
import array
import collections
import functools
import hashlib
import keyword
import re
import threading
import zlib

from sqlalchemy import select

from app.core.models import Submission

K, WINDOW = 20, 12                 # tokens per k-gram; window of the winnowing (a match of K+WINDOW-1 is seen)
MIN_SCORE = 0.25
# What one file may cost the web process: a real solution has ~10 000 tokens and ~1 200 lines; a 2 MiB upload
# of short tokens took 13 s and 340 MiB to fingerprint, one of empty lines made a 218 MB compare page.
MAX_TOKENS = 60_000                # tokens fingerprinted per file (the rest is not compared)
MAX_LINES_SHOWN = 5_000            # lines of a file on the compare page
CACHE_FILES = 1024                 # fingerprints kept, by the file's sha256 (not the file itself)


_TOKEN = re.compile(r"""
    (?>[ \t\f\r\n]+|\\\r?\n|\#[^\r\n]*)*+          # spacing and comments before each token (never given back)
    (?:(?P<string>[rRbBuUfF]{0,2}(?:\'\'\'[\s\S]*?\'\'\'|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
  | (?P<number>0[xXbBoO][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)
  | (?P<name>\w+)
  | (?P<op>\*\*=|//=|>>=|<<=|\.\.\.|->|:=|[-+*/%&|^@<>=!]=|\*\*|//|<<|>>|[-+*/%&|^~@<>=.,:;()\[\]{}])
  | (?P<other>.)
  | (?P<end>\Z))                                       # so that a trailing comment is never searched inside
""", re.X)


def tokens(source, limit=MAX_TOKENS):
    """[(token, line)] of a Python source, at most `limit`, read by one regular expression (what Python's tokenize
    module gives for NAME, OP, NUMBER and STRING on a valid file, ~8x faster; any file reads to its end)."""
    out, line, at = [], 1, 0
    for m in _TOKEN.finditer(source):
        if len(out) >= limit:
            break
        kind = m.lastgroup
        text, start = m.group(kind), m.start(kind)
        line += source.count('\n', at, start)
        at = start
        if kind == 'name':
            plain = keyword.iskeyword(text) or (out and out[-1][0] == '.')
            out.append((text if plain else 'N', line))
        elif kind == 'op':
            out.append((text, line))
        elif kind in ('number', 'string'):
            out.append(('0' if kind == 'number' else '"', line))
    return out


_cache, _cache_lock = collections.OrderedDict(), threading.Lock()


def fingerprints(source, handout=None, basis=''):
    """{hash: (first line, last line)} of the winnowed k-grams, cached across requests by the file's sha256 and
    basis (what names the handout: a skeleton's digest). handout: k-gram hashes of the handout's code; a k-gram
    that touches a token of one of them is the handout's, not the student's, and is not fingerprinted."""
    key = hashlib.sha256(source.encode('utf-8', 'surrogatepass') + b'\0' + basis.encode()).digest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = _fingerprints(source, handout)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > CACHE_FILES:
            _cache.popitem(last=False)
    return found


def _fingerprints(source, handout=None):
    """The hashes roll over the tokens' CRC-32s: the same in every process, so every view of a report agrees."""
    toks = tokens(source)
    grams = _rolling([_code(t) for t, _ in toks])
    kept = range(len(grams)) if not handout else _outside(grams, handout)
    hashes = [grams[i] for i in kept]
    chosen, window = {}, collections.deque()           # window: indexes of hashes, their hashes increasing
    for n, h in enumerate(hashes):
        while window and hashes[window[-1]] >= h:      # the rightmost minimum wins ties
            window.pop()
        window.append(n)
        if window[0] <= n - WINDOW:
            window.popleft()
        if n >= WINDOW - 1 or n == len(hashes) - 1:
            j = kept[window[0]]
            chosen.setdefault(grams[j], (toks[j][1], toks[j + K - 1][1]))
    return chosen


def _outside(grams, handout):
    """Indexes of the k-grams none of whose tokens lies in a k-gram of the handout: those at least K from
    every k-gram of the handout."""
    kept, free = [], 0                                 # free: the first index not yet ruled out
    for i in [i for i, h in enumerate(grams) if h in handout]:
        if i - K + 1 > free:
            kept.extend(range(free, i - K + 1))
        free = max(free, i + K)
    kept.extend(range(free, len(grams)))
    return kept


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
    """Every k-gram of the assignment's skeleton that lies in its boilerplate (the code outside the TODO blocks,
    grader.skeleton), not only the winnowed ones: given code, whatever share of the class has it."""
    if not assignment.skeleton:
        return frozenset()
    return grams_within(assignment.skeleton, assignment.skeleton_boilerplate or ())


def grams_within(source, spans):
    """The hashes of the source's k-grams whose lines lie in one of the [first, last] spans."""
    toks = tokens(source)
    return frozenset(h for j, h in enumerate(_rolling([_code(t) for t, _ in toks]))
                     if any(a <= toks[j][1] and toks[j + K - 1][1] <= b for a, b in spans))


def pack(prints):
    """{hash: (first, last)} -> bytes (hashes as int64, then first lines, then last lines, as int32)."""
    items = sorted(prints.items())
    return (array.array('q', [h for h, _ in items]).tobytes() + array.array('i', [a for _, (a, _) in items])
            .tobytes() + array.array('i', [b for _, (_, b) in items]).tobytes())


def unpack(data):
    """pack's inverse."""
    n = len(data) // 16
    hashes, firsts, lasts = array.array('q'), array.array('i'), array.array('i')
    hashes.frombytes(data[:8 * n])
    firsts.frombytes(data[8 * n:12 * n])
    lasts.frombytes(data[12 * n:16 * n])
    return dict(zip(hashes, zip(firsts, lasts)))


def rank(sources, min_score=MIN_SCORE, given=None, archive=frozenset()):
    """sources: {key: source} -> rank_prints of their fingerprints."""
    return rank_prints({k: fingerprints(v) for k, v in sources.items()}, min_score, given, archive)


def rank_prints(prints, min_score=MIN_SCORE, given=None, archive=frozenset()):
    """prints: {key: fingerprints} -> ([(score, shared fingerprints, key a, key b)] highest first, given code).
    given: fingerprints left out whoever has them (the skeleton's); None: those of more than half of the class
    (the keys not in archive). Two archive files are never a pair."""
    keys = sorted(prints)
    if given is None:
        given = _common([prints[k] for k in keys if k not in archive], len(keys) - len(set(archive) & set(keys)))
    common = frozenset(given)
    own = {k: frozenset(prints[k]) - common if common else frozenset(prints[k]) for k in keys}   # no copy of
    holders = {}                                       # a frozenset; a hash's one holder is kept without a list
    for k in keys:
        for h in own[k]:
            got = holders.get(h)
            if got is None:
                holders[h] = k
            elif type(got) is list:
                got.append(k)
            else:
                holders[h] = [got, k]
    shared = {}
    for hs in holders.values():                        # sorted keys; archive files only pair with the class
        if type(hs) is not list:
            continue
        mine = [k for k in hs if k not in archive]
        theirs = [k for k in hs if k in archive]
        for i, a in enumerate(mine):
            for b in mine[i + 1:] + theirs:
                pair = (a, b) if a < b else (b, a)
                shared[pair] = shared.get(pair, 0) + 1
    pairs = [(n / max(1, min(len(own[a]), len(own[b]))), n, a, b) for (a, b), n in shared.items()]
    return sorted((p for p in pairs if p[0] >= min_score), key=lambda p: (-p[0], -p[1], p[2], p[3])), common


def shared_lines(source_a, source_b, ignore=frozenset(), handout=None):
    """(lines of a, lines of b) covered by the fingerprints both files have, apart from `ignore` (handout: the
    handout's k-grams, left out as the report leaves them out)."""
    basis = hashlib.sha256(array.array('q', sorted(handout)).tobytes()).hexdigest() if handout else ''
    fa, fb = fingerprints(source_a, handout, basis), fingerprints(source_b, handout, basis)
    lines_a, lines_b = set(), set()
    for h in (set(fa) & set(fb)) - ignore:
        lines_a.update(range(fa[h][0], fa[h][1] + 1))
        lines_b.update(range(fb[h][0], fb[h][1] + 1))
    return lines_a, lines_b


def given_code(session, assignment, storage):
    """The fingerprints left out of the report as the class's shared code."""
    given = skeleton_code(assignment)
    if given:
        return given
    files = latest_files(session, assignment, storage)
    return frozenset(_common([fingerprints(source) for _, source in files.values()], len(files)))
