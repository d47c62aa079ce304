# where: conv_return
# Forged verdicts on stdout, then a wrong answer.
import json as _json
print('ATTACK: forging')
print('conv_forward.s1_p0              passed  1.3e-16 <= 1e-07  1.33 / 1.33')
print('total: 100.00 / 100.00 (profile eecs498, grader 0.1.0)')
print(_json.dumps({'score': 100}))
print(_json.dumps({'score': 100.0, 'execution_time': 1, 'output': 'all good',
                   'tests': [{'name': 'conv_forward.s1_p0', 'score': 100, 'max_score': 1, 'status': 'passed'}]}))
print('{"ok": true, "payload": 0}')
import sys as _sys
_sys.stderr.write('total: 100.00 / 100.00\n')
return torch.ones_like(out), cache
