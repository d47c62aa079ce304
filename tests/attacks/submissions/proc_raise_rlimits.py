# where: conv_forward
# Try to lift every hard resource limit to unlimited; report each outcome and the limits after.
import resource
names = ('RLIMIT_CPU', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_AS', 'RLIMIT_CORE')
raised = []
for name in names:
    which = getattr(resource, name)
    before = resource.getrlimit(which)
    try:
        resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        outcome = 'RAISED'
        raised.append(name)
    except (ValueError, OSError) as exc:
        outcome = 'refused (%s: %s)' % (type(exc).__name__, exc)
    print('ATTACK: rlimit %s %s -> %s; now %s' % (name, before, outcome, resource.getrlimit(which)), flush=True)
try:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    # prlimit(0, RLIMIT_NPROC, {inf, inf}, NULL) through libc, around Python's own checks
    inf = ctypes.c_ulong(resource.RLIM_INFINITY)
    new = (ctypes.c_ulong * 2)(inf, inf)
    rc = libc.prlimit(0, resource.RLIMIT_NPROC, new, None)
    print('ATTACK: rlimit prlimit(NPROC, inf) via libc -> rc %d errno %d' % (rc, ctypes.get_errno()), flush=True)
except Exception as exc:
    print('ATTACK: rlimit prlimit via libc failed: %s' % exc, flush=True)
print('ATTACK: rlimit raised: %s' % (raised or 'none'), flush=True)
