# where: conv_return
# Replace the runner's error describer (same process), then fail: the error record is then ours.
import sys as _sys
_sys.modules['__main__'].describe = lambda exc, student_file: {'type': 'X', 'message': 'm', 'line': '{line}'}
print('ATTACK: describe replaced')
raise RuntimeError('boom')
