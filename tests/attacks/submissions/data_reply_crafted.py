# where: conv_forward
# Write a crafted reply line on the runner's own reply pipe (found in its serve() frame), ahead of the real one.
import sys as _sys
_frame = _sys._getframe()
while _frame is not None and not {'replies', 'check'} <= set(_frame.f_locals):
    _frame = _frame.f_back
if _frame is not None and _frame.f_locals['check'] == '{check}':
    _line = {'infinity': '{"ok": true, "check": "{check}", "payload": Infinity}',
             'nesting': '{"ok": false, "check": "{check}", "payload": 0, "error": %s}' % ('[' * 100000 + ']' * 100000),
             'quadratic': '"\\' * 32000,      # unterminated strings: the old backtracking scan took ~10 s
             }['{mode}']
    print('ATTACK: crafted reply sent ({mode})', flush=True)
    _frame.f_locals['replies'].write(_line.encode() + b'\n')
    _frame.f_locals['replies'].flush()
