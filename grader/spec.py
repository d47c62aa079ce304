"""The shared vocabulary: what a check is, what it compares, what a component and a profile are."""
from dataclasses import dataclass, field
from typing import Mapping

STATUSES = ('passed', 'failed', 'error', 'timeout', 'skipped', 'advisory')
METRICS = ('rel_error', 'abs_error', 'equal', 'at_least', 'meta')


@dataclass(frozen=True)
class Output:
    """One value a check compares: its name, the metric and the threshold it must meet.

    rel_error / abs_error: error <= threshold; equal: bit-identical; at_least: value >= threshold;
    meta: only shape, dtype and finiteness are checked. A gate earns no points of its own: when it
    fails, the check keeps half of what its other outputs earned (e.g. "x not modified in place").
    A note is compared and reported but never scored (what the skeleton does not demand).
    """
    name: str
    metric: str = 'rel_error'
    threshold: float = 0.0
    check_dtype: bool = True
    gate: bool = False
    note: bool = False


@dataclass(frozen=True)
class Tensor:
    """Input recipe for one tensor: kind randn | linspace | randint | uniform, float64 unless int."""
    shape: tuple
    kind: str = 'randn'
    scale: float = 1.0
    shift: float = 0.0
    low: float = 0.0
    high: float = 1.0


@dataclass(frozen=True)
class CheckSpec:
    id: str
    component: str
    procedure: str
    points: float
    outputs: tuple
    params: Mapping = field(default_factory=dict)
    inputs: Mapping = field(default_factory=dict)
    seed: int = 0
    timeout_s: float = 10.0
    visibility: str = 'visible'          # visible | after_due | hidden
    depends_on: tuple = ()                # components this check also calls (grader/scoring/charges.py)
    description: str = ''
    slow: bool = False                    # trains a model
    advisory: str = ''                    # why the configuration is outside the skeleton's contract: 0 points


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    checks: tuple
    cifar_checks: tuple = ()              # training checks on real CIFAR-10, replacing the synthetic ones
    reg_scale: float = 1.0                # loss = data + reg_scale * reg * sum(W^2)
    bn_running_var_init: str = 'zeros'    # what the skeleton fills in when running_var is absent
    shims: tuple = ()                     # (module file, shim kind) pairs placed beside the submission
    graded_file: str = 'convolutional_networks.py'
    skeleton_imports: tuple = ()          # (edition, the import lines of its course's real skeleton) pairs

    def check(self, check_id):
        for spec in self.checks:
            if spec.id == check_id:
                return spec
        raise KeyError(check_id)

    @property
    def max_score(self):
        return sum(spec.points for spec in self.checks)


@dataclass(frozen=True)
class Component:
    """A graded piece of the student's API, declared once in its file under grader/components/.

    procedure names what the runner does for its checks: the function of that name in
    grader/runner/procedures.py (untrusted side), whose outputs grader/scoring/expect.py EXPECT[procedure]
    turns into expected values and grader/scoring/inputs.py feeds. Several components share a procedure.
    """
    id: str                               # 'conv_forward': check ids start with it
    name: str                             # what students call it: 'Conv.forward'
    points: float                         # split evenly among its graded (not advisory) checks
    procedure: str

    def check(self, name, **fields):
        """A CheckSpec of this component with id '<component id>.<name>' (its points are set by the catalog)."""
        return CheckSpec(id='%s.%s' % (self.id, name), component=self.id, procedure=self.procedure, points=1,
                         **fields)
