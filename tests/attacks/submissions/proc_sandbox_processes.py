# where: conv_forward
# Every process this code can see in the sandbox, with its uid and what confines it: nothing reachable may hold
# fewer restrictions than the student code itself.
import os
_KEYS = ('Uid', 'Seccomp', 'NoNewPrivs', 'CapEff')
_LIMITS = ('Max cpu time', 'Max file size', 'Max core file size', 'Max processes', 'Max open files',
           'Max address space')
for _pid in sorted(int(p) for p in os.listdir('/proc') if p.isdigit()):
    try:
        with open('/proc/%d/status' % _pid) as _f:
            _status = dict(line.split(':', 1) for line in _f.read().splitlines() if ':' in line)
        with open('/proc/%d/limits' % _pid) as _f:
            _limits = {l[:26].strip(): ' '.join(l[26:].split()[:2]) for l in _f.read().splitlines()[1:]}
    except OSError:
        continue                         # ended meanwhile
    _self = 'self' if _pid == os.getpid() else 'other'
    print('ATTACK: process %s %s %s | %s' % (
        _self, _status['Name'].strip(),
        ' '.join('%s=%s' % (k, _status[k].split()[0]) for k in _KEYS),
        ', '.join('%s=%s' % (k, _limits.get(k)) for k in _LIMITS)), flush=True)
