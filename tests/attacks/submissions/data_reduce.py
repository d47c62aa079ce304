# where: conv_return
# Objects that would run code if anyone unpickled (or copied) them, in place of the output and cache.
import os as _os

class _Payload:
    def __reduce__(self):
        print('ATTACK: __reduce__ called in pid %d' % _os.getpid())
        return (_os.system, ('touch {host_file}',))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

    def __getstate__(self):
        print('ATTACK: __getstate__ called')
        return {}

    def __del__(self):
        pass

print('ATTACK: returning _Payload objects')
return _Payload(), (_Payload(), {'cache': _Payload()})
