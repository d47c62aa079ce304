"""Grading results and their serialisations: JSON, Gradescope results.json, a text table.

Messages hold student text (exception messages, names): the table and Gradescope's file print them through
grader.text, so they stay one line whatever a stored report holds."""
import json
from dataclasses import asdict, dataclass, field
from typing import List, Optional

from .text import lines, one_line

GRADER_VERSION = '0.1.0'
GRADESCOPE_VISIBILITY = {'visible': 'visible', 'after_due': 'after_due_date', 'hidden': 'hidden'}


@dataclass
class CheckResult:
    id: str
    component: str
    status: str
    score: float
    max_score: float
    error: Optional[float]
    threshold: Optional[float]
    message: str
    description: str = ''
    visibility: str = 'visible'
    duration_s: float = 0.0
    output: str = ''
    metric: str = ''          # of the output the error and threshold belong to (rel_error, at_least, ...)


@dataclass
class Report:
    profile: str
    checks: List[CheckResult] = field(default_factory=list)
    grader_version: str = GRADER_VERSION
    submission_error: str = ''
    duration_s: float = 0.0

    @property
    def score(self):
        return round(sum(c.score for c in self.checks), 4)

    @property
    def max_score(self):
        return round(sum(c.max_score for c in self.checks), 4)

    def to_dict(self):
        return {'profile': self.profile, 'grader_version': self.grader_version, 'score': self.score,
                'max_score': self.max_score, 'submission_error': self.submission_error,
                'duration_s': round(self.duration_s, 3), 'checks': [asdict(c) for c in self.checks]}

    @classmethod
    def from_dict(cls, data):
        """The inverse of to_dict (unknown keys ignored)."""
        fields = set(CheckResult.__dataclass_fields__)
        checks = [CheckResult(**{k: v for k, v in c.items() if k in fields}) for c in data.get('checks', [])]
        return cls(profile=data['profile'], checks=checks, grader_version=data.get('grader_version', ''),
                   submission_error=data.get('submission_error', ''), duration_s=data.get('duration_s', 0.0))

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2)

    def to_gradescope(self):
        tests = [{'name': c.id, 'score': round(c.score, 4), 'max_score': round(c.max_score, 4),
                  'status': 'passed' if c.status in ('passed', 'advisory') else 'failed',
                  'output': ('[%s] %s\n%s' % (c.status, one_line(c.message), lines(c.output))).strip(),
                  'tags': [c.component], 'visibility': GRADESCOPE_VISIBILITY.get(c.visibility, 'visible')}
                 for c in self.checks]
        return json.dumps({'score': self.score, 'execution_time': round(self.duration_s, 3),
                           'output': one_line(self.submission_error) or 'Graded by profile %s, grader %s.'
                           % (self.profile, self.grader_version),
                           'visibility': 'visible', 'stdout_visibility': 'hidden', 'tests': tests}, indent=2)

    def table(self):
        rows = [('check', 'status', 'error vs threshold', 'points')]
        for c in self.checks:
            rows.append((c.id, c.status, _error_text(c), '%.2f / %.2f' % (c.score, c.max_score)))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        out = ['  '.join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        out.insert(1, '  '.join('-' * w for w in widths))
        if self.submission_error:
            out += ['', one_line(self.submission_error)]
        else:
            problems = ['%s: %s' % (c.id, one_line(c.message)) for c in self.checks if c.status != 'passed']
            out += [''] + problems if problems else []
        out += ['', 'total: %.2f / %.2f (profile %s, grader %s)'
                % (self.score, self.max_score, self.profile, self.grader_version)]
        return '\n'.join(out)


def notation(metric, error, threshold, passed):
    """An error against its threshold as the course writes it: 'rel_error 3.2e-03 > 1e-07'."""
    if error is None or threshold is None:
        return ''
    if metric == 'at_least':
        return '%.4g %s %g' % (error, '>=' if passed else '<', threshold)
    return '%s %.1e %s %.0e' % (metric or 'error', error, '<=' if passed else '>', threshold)


def _error_text(c):
    return notation(c.metric, c.error, c.threshold, c.status == 'passed') or '-'
