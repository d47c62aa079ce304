"""Orchestration: profile -> inputs -> runner (student values) -> reference (expected) -> scores.

The student module is imported only by the runner process; this side only reads the
tensors it returns, computes expected values with reference/ and scores them. A check's limit counts the
runner's CPU time (grader/isolation/cputime.py), with a wall-clock bound against code that waits; a check stopped by
that bound before its CPU limit (starved by a loaded machine, or waiting) is run once more on a fresh runner.
"""
import collections
import sys
import time
from dataclasses import dataclass, replace

import torch

from .components import COMPONENT_NAMES
from .isolation import teardown
from .isolation.cputime import Limit, WallBound
from .isolation.launch import Runner, RunnerGone, RunnerTimeout
from .isolation.protocol import ProtocolError, clean_error, decode_outputs, encode_inputs
from .isolation.runner_files import RunnerFiles
from .isolation.sandbox import SandboxConfig, SandboxUnavailable, plan
from .report import CheckResult, Report
from .scoring import charges
from .scoring.compare import compare_output
from .scoring.datasets import cifar_splits
from .scoring.expect import EXPECT
from .scoring.inputs import make_inputs
from .text import lines, one_line, traceback_text

RUNNER_START_TIMEOUT_S = 120.0      # torch import inside the sandbox, before any student code
SEND_AHEAD = 16                     # requests queued at the runner beyond the one it works on
MESSAGE_LIMIT = 2000                # characters of one check's message (the configuration's description aside)
NOT_IMPORTED = 'not run: your file could not be imported (see the error above)'


def format_error(err):
    err = clean_error(err)
    text = '%s: %s' % (err.get('type', 'Error'), err.get('message', ''))
    if err.get('api'):
        text = err.get('message', '')
    if err.get('line'):
        text += ' (%s line %d, in %s: %s)' % ('your file', err['line'], err.get('function', '?'),
                                              err.get('code', '').strip())
    return text


class Session:
    """The current runner process; restarted after a timeout or a crash."""

    def __init__(self, files, device, plan_, import_timeout_s, warm=None, wall_bound=WallBound(),
                 deadline=float('inf')):
        self.files, self.device, self.plan = files, device, plan_
        self.import_timeout_s = import_timeout_s
        self.wall_bound, self.deadline = wall_bound, deadline      # deadline: the submission's budget
        self.runner = None
        self.warm = warm                  # a started runner from the pool, used for the first import
        self.import_error = ''
        self.import_starved = False       # the import was stopped by the wall clock, not its CPU limit
        self.import_retried = False
        self.output_mark = (0, 0)         # stdout and stderr bytes already given to checks (or the import)
        self.import_limit = None          # the limit of an import whose answer is not read yet

    def wall_s(self, seconds):
        """The wall-clock bound of a limit of `seconds`: on a GPU the limit itself (GPU work is not on the
        CPU clock)."""
        return self.wall_bound.of(seconds) if self.device == 'cpu' else seconds

    def limit(self, runner, seconds, wall_start, cpu_start):
        """The Limit of a check or an import started then, within the budget: the runner's CPU seconds and a
        wall bound on a CPU; on a GPU the wall clock alone."""
        left = self.deadline - wall_start
        if self.device != 'cpu':
            return Limit(float('inf'), min(seconds, left), None, 0.0, wall_start)
        return Limit(min(seconds, left), min(self.wall_s(seconds), left), runner.cpu_clock, cpu_start, wall_start)

    def ensure(self):
        """A runner whose import is requested; imported() reads the answer (checks queue behind it meanwhile)."""
        if self.runner is not None or self.import_error:
            return
        if self.warm is not None:
            self.runner, self.warm = self.warm, None
        else:
            self.runner = Runner(self.files, self.device, self.plan)
            try:
                self.runner.request(None, RUNNER_START_TIMEOUT_S)
            except (RunnerTimeout, RunnerGone) as exc:
                tail = self.runner.stderr.read(0, self.runner.output_size()[1], limit=1500)
                self.stop()
                raise SandboxUnavailable('the runner did not start (%s): %s' % (exc or 'timeout', tail)) from None
        self.output_mark = (0, 0)                  # each runner captures its output afresh
        self.import_limit = self.limit(self.runner, self.import_timeout_s, time.monotonic(),
                                       self.runner.cpu_clock())
        try:
            self.runner.send({'op': 'import', 'module': self.files.module, 'solver_module': self.files.solver_module},
                             self.import_limit.wall_start + self.import_limit.wall_s)
        except (RunnerTimeout, RunnerGone):
            pass                                   # imported() says what happened

    def imported(self):
        """Read the import's answer if it is still to come -> whether the file is imported."""
        if self.import_limit is not None and self.runner is not None:
            limit, self.import_limit = self.import_limit, None
            try:
                reply, _ = _receive(self.runner, limit)
            except RunnerTimeout as exc:
                _, message, self.import_starved = _timeout_problem(limit, exc.over, self.import_retried)
                if self.import_starved:
                    self.import_error = 'importing your file was ' + message
                else:
                    self.import_error = ('importing your file did not finish within %g s (a loop or a long '
                                         'computation at module level?)' % self.import_timeout_s)
            except RunnerGone as exc:
                self.import_error = 'importing your file ended the process: %s' % exc
            else:
                if not reply.get('ok'):
                    self.import_error = 'could not import your file: ' + format_error(reply.get('error', {}))
                else:                              # what the import printed belongs to no check
                    self.output_mark = _output_end(reply, self.output_mark, self.runner.output_size())
            if self.import_error:
                self.stop()
        return not self.import_error

    def stop(self):
        for runner in self.take_runners():
            runner.kill()

    def take_runners(self):
        runners = [r for r in (self.runner, self.warm) if r is not None]
        self.runner = self.warm = None
        return runners


def _receive(runner, limit):
    """runner.receive, anything else it raises (a bug of ours: logged) turned into RunnerGone: one bad reply
    costs one check, never the grading."""
    try:
        return runner.receive(limit)
    except (RunnerTimeout, RunnerGone):
        raise
    except Exception as exc:
        print(traceback_text(exc), file=sys.stderr)
        raise RunnerGone('the runner sent an unreadable reply (%s)' % type(exc).__name__) from None


def _badness(r):
    """How far an output is from failing (> 1: failed), for picking the one to show."""
    if r.metric == 'at_least':
        return r.threshold / max(r.error, 1e-12)
    return r.error / r.threshold


def _described(spec, message):
    """One line, control characters escaped (a message can never forge table lines), cut to MESSAGE_LIMIT (it
    may quote names the runner chose), prefixed with the configuration."""
    message = one_line(str(message).strip(), MESSAGE_LIMIT)
    return '%s: %s' % (spec.description, message) if spec.description else message


def _summarise(spec, results):
    if not results:
        raise RuntimeError('check %s compared no outputs' % spec.id)
    failed = [r for r in results if not r.passed]
    scored = [r for r in (failed or results) if r.error is not None and r.threshold]
    pick = max(scored, key=_badness) if scored else None
    if failed:
        message = '; '.join(r.text() for r in failed)
    else:
        message = 'all %d outputs match' % len([r for r in results if not r.note])
        if pick is not None:
            message += ' (worst %s)' % pick.text()
    remarks = [r.text() for r in results if r.note and r.passed]       # e.g. how parameters were matched
    if remarks:
        message += '; ' + '; '.join(remarks)
    graded = [r for r in results if not r.gate and not r.note] or results
    fraction = sum(r.passed for r in graded) / len(graded)
    if any(r.gate and not r.passed for r in results):
        fraction *= 0.5
    notes = [r for r in failed if r.note]
    if notes and len(notes) == len(failed):
        message = 'passed; note (not scored, the skeleton does not ask it): ' + message
    return ('failed' if len(notes) < len(failed) else 'passed'), spec.points * fraction, pick, \
        _described(spec, message)


def zero(spec, status, message, **extra):
    """A result that earns nothing: not run, timed out, crashed, or unreadable."""
    return CheckResult(id=spec.id, component=spec.component, status=status, score=0.0,
                       max_score=spec.points, error=None, threshold=None,
                       message=one_line(message, MESSAGE_LIMIT + len(spec.description) + 2),
                       description=spec.description, visibility=spec.visibility, **extra)


@dataclass
class Sent:
    """A check whose request is with the runner (queued behind the checks sent before it)."""
    spec: object
    inputs: dict
    held_out: dict
    runner: Runner
    sent_at: float
    sent_cpu: float                   # the runner's CPU seconds then
    problem: tuple = None             # (status, message, whether a retry may help)


def prepare(spec, ctx):
    """(inputs, held-out data, the inputs' encoding) of one check."""
    inputs, held_out = make_inputs(spec, ctx.get('cifar_dir'))
    return inputs, held_out, encode_inputs(inputs)


def send_check(session, spec, ctx, prepared=None):
    """Hand one check to the runner -> Sent, or a CheckResult when the file could not be imported."""
    inputs, held_out, encoded = prepared or prepare(spec, ctx)
    session.ensure()
    if session.import_error:
        return zero(spec, 'error', NOT_IMPORTED)
    runner = session.runner
    sent = Sent(spec, inputs, held_out, runner, time.monotonic(), runner.cpu_clock())
    request = {'op': 'run', 'check': spec.id, 'procedure': spec.procedure, 'params': dict(spec.params),
               'seed': spec.seed}
    try:
        runner.send(request, sent.sent_at + session.wall_s(spec.timeout_s), encoded)
    except RunnerTimeout:                      # the runner never read its command
        sent.problem = ('timeout', 'timed out after %g s' % round(session.wall_s(spec.timeout_s), 1), False)
    except RunnerGone as exc:
        sent.problem = _died(exc)
    return sent


def _died(exc):
    return 'error', 'the grading process died during this check: %s' % exc, False


def _timeout_problem(limit, over, retried):
    """(status, message, starved) of a check stopped by its limit. starved: the wall-clock bound stopped it
    before its CPU limit (the code waited, or the machine was too loaded to give it the CPU)."""
    if over == 'cpu' or limit.clock is None:
        return 'timeout', 'timed out after %g s' % round(min(limit.cpu_s, limit.wall_s), 1), False
    cpu, wall = limit.used()
    return 'timeout', ('stopped by the wall clock after %.0f s, having used only %.1f s of its %g s of CPU '
                       'time%s: the code waited (sleep, a blocked read) or the grading machine was overloaded'
                       % (wall, cpu, round(limit.cpu_s, 1),
                          ' (on both tries, the second in a fresh process)' if retried else '')), True


def _output_end(reply, mark, size):
    """Where a check's output ends: where the runner says (it answers before we read), kept within what
    is on disk and after the previous check's end; all that is on disk when it did not say."""
    ends = reply.get('out') if isinstance(reply, dict) else None
    if not (isinstance(ends, list) and len(ends) == 2 and all(type(e) is int for e in ends)):
        return size
    return tuple(min(max(e, m), s) for e, m, s in zip(ends, mark, size))


def receive_check(session, sent, ctx, deadline=float('inf'), retried=False):
    """Wait for the runner's answer -> a function that scores it (called while the runner works on the next
    checks). A check's time starts when its request was sent or the previous answer was read, whichever is
    later; deadline bounds the submission. A check (or its import) stopped by the wall clock before its CPU
    limit goes once more to a fresh runner. Never raises for anything the submission does."""
    if isinstance(sent, CheckResult):
        return lambda: sent
    if sent.runner is session.runner and not session.imported():
        if session.import_starved and not session.import_retried and _time_left(deadline):
            session.import_error, session.import_retried = '', True
            return _retry(session, sent, ctx, deadline)
        return lambda: zero(sent.spec, 'error', NOT_IMPORTED)
    spec, problem, reply, payload = sent.spec, sent.problem, None, b''
    if sent.sent_at >= sent.runner.answered_at:
        began, cpu_start = sent.sent_at, sent.sent_cpu
    else:
        began, cpu_start = sent.runner.answered_at, sent.runner.answered_cpu
    limit = session.limit(sent.runner, max(0.0, spec.timeout_s), began, cpu_start)
    if problem is None:
        try:
            reply, payload = _receive(sent.runner, limit)
            if reply.get('check') != spec.id:
                problem = ('error', 'the runner answered out of turn', False)
        except RunnerTimeout as exc:
            problem = _timeout_problem(limit, exc.over, retried)
        except RunnerGone as exc:
            problem = _died(exc)
    duration_s = round(time.monotonic() - began, 3)
    start, end = session.output_mark, _output_end(reply, session.output_mark, sent.runner.output_size())
    session.output_mark = end
    output = sent.runner.read_output(start, end)    # read now: a stopped runner's output goes with it
    if problem is not None:
        session.stop()                         # the next check starts a fresh runner
        if problem[2] and not retried and _time_left(deadline):
            return _retry(session, sent, ctx, deadline)

    def score():
        extra = dict(duration_s=duration_s,
                     output=lines(output).strip())
        if problem is not None:
            return zero(spec, problem[0], _described(spec, problem[1]), **extra)
        return evaluate(spec, reply, payload, sent, dict(ctx, held_out=sent.held_out), extra)
    return score


def _time_left(deadline):
    return deadline - time.monotonic() > 1.0


def _retry(session, sent, ctx, deadline):
    """A check sent again, to a fresh runner, after the wall clock stopped it (or its import) -> its scoring."""
    session.stop()
    spec = replace(sent.spec, timeout_s=min(sent.spec.timeout_s, deadline - time.monotonic()))
    again = send_check(session, spec, ctx, (sent.inputs, sent.held_out, encode_inputs(sent.inputs)))
    return receive_check(session, again, ctx, deadline, retried=True)


def evaluate(spec, reply, payload, sent, ctx, extra):
    """The runner's reply to one check, compared with the reference -> CheckResult."""
    if not reply.get('ok'):
        err = clean_error(reply.get('error'))
        return zero(spec, 'failed' if err.get('api') else 'error', _described(spec, format_error(err)), **extra)
    try:
        actual, meta = decode_outputs(payload)
        expected, view, results = EXPECT[spec.procedure](spec, sent.inputs, actual, meta, ctx)
        results = list(results) + [compare_output(out, expected, view, meta, ctx['device'])
                                   for out in spec.outputs if out.name in expected]
        status, score, pick, message = _summarise(spec, results)
    except ProtocolError as exc:
        return zero(spec, 'error', _described(spec, str(exc)), **extra)
    except Exception as exc:      # odd values the checks above let through: a verdict, logged for us
        print(traceback_text(exc), file=sys.stderr)
        return zero(spec, 'error', _described(spec, 'could not evaluate the returned values (%s: %s)'
                                              % (type(exc).__name__, one_line(exc, 300))), **extra)
    return CheckResult(id=spec.id, component=spec.component, status=status, score=score,
                       max_score=spec.points, error=pick.error if pick else None,
                       threshold=pick.threshold if pick else None, metric=pick.metric if pick else '',
                       message=message, description=spec.description, visibility=spec.visibility, **extra)


def decided(session, specs, results):
    """(the results so far as the report will have them (copies, charged-once rules applied to this prefix),
    the components still to decide, in order)."""
    partial = Report(profile='', checks=[replace(r) for r in results])
    partial.submission_error = session.import_error
    charges.settle(partial, specs[:len(results)], COMPONENT_NAMES)
    pending = list(dict.fromkeys(spec.component for spec in specs[len(results):]))
    return partial.checks, pending


def run_checks(session, specs, ctx, started, deadline, progress=None):
    """Every check in order -> [CheckResult]. Requests go ahead of the answers (up to SEND_AHEAD of them,
    while they fit in the command pipe), so the runner works through its queue while this side scores the
    answers it has; after a timeout or a crash the queue is sent again to a fresh runner.
    progress(checks, pending): called each time a component's checks are all decided (see decided), before more
    checks are prepared; until its first call only the first component's checks go ahead (they are decided
    sooner). What it raises stops the grading."""
    results, scoring, queue, prepared = [], None, collections.deque(), {}
    nxt = 0                                  # the next check to send
    ahead_all = progress is None             # whether checks of later components may go ahead
    for i, spec in enumerate(specs):
        if not queue:
            left = deadline - time.monotonic()
            if left <= 1.0:
                sent = zero(spec, 'skipped', 'not run: the submission used up its time budget of %.0f s'
                            % (deadline - started))
            else:
                session.import_timeout_s = min(session.import_timeout_s, left)
                sent = send_check(session, replace(spec, timeout_s=min(spec.timeout_s, left)), ctx,
                                  prepared.pop(i, None))
            nxt = i + 1
        else:
            sent = queue.popleft()
        runner = session.runner
        if progress is not None and scoring is not None and specs[i - 1].component != spec.component:
            results.append(scoring())           # a component decided: handed over before more is prepared
            scoring, ahead_all = None, True
            progress(*decided(session, specs, results))
        while (runner is not None and nxt < len(specs) and len(queue) < SEND_AHEAD
               and deadline - time.monotonic() > specs[nxt].timeout_s + 1.0
               and (ahead_all or specs[nxt].component == spec.component)):
            if nxt not in prepared:
                prepared[nxt] = prepare(specs[nxt], ctx)
            if prepared[nxt][2][0] + 4096 > runner.room():
                break
            queue.append(send_check(session, specs[nxt], ctx, prepared.pop(nxt)))
            nxt += 1
        if scoring is not None:
            results.append(scoring())
        scoring = receive_check(session, sent, ctx, deadline)
        if session.runner is not runner:       # stopped: what was queued is lost with it
            queue.clear()
            nxt = i + 1
    if scoring is not None:
        results.append(scoring())
    return results


def select_checks(profile, skip_slow=False, only=None, train_time_limit_s=None, cifar=False):
    """The profile's checks to run; cifar: the CIFAR-10 training checks replace the synthetic ones;
    train_time_limit_s overrides the solver check's limit."""
    checks = list(profile.checks)
    if cifar:
        real = {c.procedure: c for c in profile.cifar_checks}
        checks = [real.get(c.procedure, c) for c in checks]
    checks = [c for c in checks if not (skip_slow and c.slow)]
    if only:
        checks = [c for c in checks if c.component in only or c.id in only]
    if train_time_limit_s is not None:
        checks = [replace(c, params=dict(c.params, time_limit_s=train_time_limit_s),
                          timeout_s=c.timeout_s - c.params['time_limit_s'] + train_time_limit_s)
                  if 'time_limit_s' in c.params else c for c in checks]
    return checks


def grade(source, profile, device='cpu', skip_slow=False, only=None, sandbox=SandboxConfig(),
          import_timeout_s=60.0, base_dir=None, train_time_limit_s=None, timeout_cap_s=None, pool=None,
          cifar_dir=None, wall_bound=WallBound(), progress=None):
    """Grade one submission's source bytes with a profile -> Report.

    Timeouts (import_timeout_s, the checks', timeout_cap_s) count the runner's CPU seconds on a CPU device,
    each with the wall-clock bound wall_bound.of(limit); on a GPU they are wall-clock seconds.

    pool: a WarmPool of the same sandbox config and device, whose started runners skip the torch import.
    cifar_dir: a CIFAR-10 folder (cifar-10-batches-py or its parent) for the training checks; None: synthetic.
    progress(checks, pending): each component's results as soon as they are decided (run_checks); the
    report's own checks may still differ where a later component changes a charge.
    Raises SandboxUnavailable when the sandbox config demands what this machine lacks, DatasetError when
    cifar_dir cannot be read.
    """
    plan_ = plan(sandbox)
    # The trusted side's tensors are small; more threads only fight the runner for the cores.
    torch.set_num_threads(1)
    started = time.monotonic()
    report = Report(profile=profile.name)
    specs = select_checks(profile, skip_slow, only, train_time_limit_s, cifar=bool(cifar_dir))
    if cifar_dir and any(spec.params.get('dataset') == 'cifar10' for spec in specs):
        cifar_splits(cifar_dir)                  # read (and cached) before any runner starts
    if timeout_cap_s is not None:
        specs = [replace(c, timeout_s=min(c.timeout_s, timeout_cap_s)) for c in specs]
    warm = pool.take() if pool is not None and pool.serves(plan_, device) else None
    if warm is not None:
        files, runner = warm
        files.install(source, profile)
    else:
        files, runner = RunnerFiles(source, profile, base_dir, uid=plan_.uid), None
    # Restarts after timeouts re-import the file: one budget (wall clock) bounds the whole submission.
    deadline = started + import_timeout_s + sum(spec.timeout_s for spec in specs)
    session = Session(files, device, plan_, import_timeout_s, runner, wall_bound, deadline)
    ctx = {'profile': profile, 'device': device, 'cifar_dir': cifar_dir}
    try:
        report.checks = run_checks(session, specs, ctx, started, deadline, progress)
    finally:
        teardown.retire(session.take_runners(), files)       # killed now; the report need not wait for the rest
    report.submission_error = one_line(session.import_error, 4 * MESSAGE_LIMIT)
    charges.settle(report, specs, COMPONENT_NAMES)
    report.duration_s = time.monotonic() - started
    return report
