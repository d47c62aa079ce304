"""Each component is declared once (grader/components/): its checks, points, names and procedure follow from it."""
from grader.catalog import PROFILES
from grader.components import COMPONENT_NAMES, COMPONENTS, DECLARED, POINTS, PROCEDURES
from grader.runner.procedures import PROCEDURES as RUNNER_PROCEDURES
from grader.scoring.expect import EXPECT


def test_every_declared_procedure_runs_in_the_runner_and_has_expected_values():
    for component in DECLARED:
        assert component.procedure in RUNNER_PROCEDURES, component
        assert component.procedure in EXPECT, component


def test_ids_are_unique_and_the_points_make_100():
    assert len(set(COMPONENTS)) == len(COMPONENTS) == len(COMPONENT_NAMES)
    assert sum(POINTS.values()) == 100


def test_every_check_runs_its_components_procedure_and_is_named_after_it():
    for profile in PROFILES.values():
        for spec in profile.checks + profile.cifar_checks:
            assert spec.procedure == PROCEDURES[spec.component], spec.id
            assert spec.id.startswith(spec.component + '.'), spec.id
