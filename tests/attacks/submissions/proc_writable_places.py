# where: conv_forward
# Every folder the code could fill: try to create a file in each top-level folder and a few deeper ones.
import os
_writable = []
for _top in sorted(set(os.listdir('/')) | {'dev/shm', 'dev/pts', 'job/submission', 'job/runner'}):
    _path = '/%s/.attack-probe' % _top
    try:
        with open(_path, 'w') as _f:
            _f.write('x')
        os.remove(_path)
        _writable.append('/' + _top)
    except OSError:
        pass
try:
    with open('/.attack-probe', 'w') as _f:
        _f.write('x')
    _writable.append('/')
except OSError:
    pass
print('ATTACK: writable %s' % sorted(_writable), flush=True)
