# where: conv_forward
# Look for the reference solution: host paths, /proc tricks, imports, and a walk of what is mounted.
import os as _os
print('ATTACK: visible /', sorted(_os.listdir('/')))
for _p in ('{ref_dir}/nets.py', '{ref_dir}/layers.py', '{ref_dir}/batchnorm.py', '{ref_dir}/__init__.py',
           '/work/main/reference/nets.py', '/proc/1/root{ref_dir}/nets.py', '/proc/self/root{ref_dir}/nets.py',
           '/proc/1/cwd/../reference/nets.py', '../reference/nets.py', 'reference/nets.py',
           '/job/reference/nets.py', '/opt/venv/../reference/nets.py', '/opt/reference/nets.py'):
    try:
        with open(_p) as _f:
            print('ATTACK: read %s OK %r' % (_p, _f.read(300)))
    except Exception as _e:
        print('ATTACK: read %s %s' % (_p, type(_e).__name__))
for _m in ('reference', 'reference.nets', 'grader.scoring.expect'):
    try:
        __import__(_m)
        print('ATTACK: import %s OK' % _m)
    except Exception as _e:
        print('ATTACK: import %s %s' % (_m, type(_e).__name__))
import sys as _sys
_hits = []
for _root in ('/job', '/tmp'):
    for _d, _sub, _files in _os.walk(_root):
        if _d.startswith(_sys.prefix):      # the Python environment itself (public; under /tmp when it lives there)
            continue
        _hits += [_os.path.join(_d, _n) for _n in _sub + _files if _n in ('reference', 'grader', 'nets.py', 'sandwich.py')]
_site = '/opt/venv/lib/python3.11/site-packages'
_hits += [_n for _n in (_os.listdir(_site) if _os.path.isdir(_site) else []) if _n.startswith(('reference', 'grader'))]
print('ATTACK: found %s' % _hits[:10])
