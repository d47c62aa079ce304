"""The pseudonymous leaderboard of the trained model (the solver check's held-out accuracy)."""
import hashlib
import hmac

ADJECTIVES = ('amber', 'brisk', 'calm', 'daring', 'eager', 'fuzzy', 'gentle', 'hidden', 'icy', 'jolly', 'keen',
              'lucky', 'mellow', 'nimble', 'odd', 'plucky', 'quiet', 'rapid', 'sunny', 'tidy', 'upbeat', 'vivid',
              'witty', 'young', 'zesty', 'bold', 'clever', 'dusty', 'fancy', 'grand', 'humble', 'lively')
ANIMALS = ('otter', 'lynx', 'heron', 'panda', 'koala', 'badger', 'falcon', 'gecko', 'ibis', 'jaguar', 'lemur',
           'marten', 'newt', 'oriole', 'puffin', 'quail', 'raven', 'seal', 'tapir', 'urchin', 'vole', 'walrus',
           'yak', 'zebra', 'bison', 'crane', 'dingo', 'egret', 'ferret', 'gibbon', 'hare', 'mole')
SOLVER_COMPONENT = 'solver'


def pseudonym(key, assignment_id, user_id):
    """Stable per assignment, not guessable without the server's key."""
    digest = hmac.new(key.encode(), b'%d:%d' % (assignment_id, user_id), hashlib.sha256).digest()
    return '%s %s %d' % (ADJECTIVES[digest[0] % len(ADJECTIVES)], ANIMALS[digest[1] % len(ANIMALS)],
                         digest[2] % 100)


def standings(submissions, key, assignment_id):
    """[(pseudonym, accuracy, owner_id)], best first: each student's best measured accuracy."""
    best = {}
    for sub in submissions:
        if sub.status != 'graded':
            continue
        for c in sub.checks:
            if c.component == SOLVER_COMPONENT and c.metric == 'at_least' and c.error is not None:
                best[sub.owner_id] = max(best.get(sub.owner_id, 0.0), c.error)
    rows = [(pseudonym(key, assignment_id, owner), accuracy, owner) for owner, accuracy in best.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))
