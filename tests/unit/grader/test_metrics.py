import math

import torch

from grader.scoring.metrics import abs_error, problem, rel_error


def test_rel_error_is_the_course_formula():
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
    y = torch.tensor([1.5, -2.0, 2.0], dtype=torch.float64)
    # max|x-y| = 1.0 ; max(|x|+|y|) = 5.0 (element-wise sum, not max|x| + max|y| = 6)
    assert rel_error(x, y) == 1.0 / 5.0
    assert rel_error(x, x) == 0.0


def test_rel_error_eps_floor_and_float64():
    zeros = torch.zeros(3)
    assert rel_error(zeros, zeros) == 0.0
    tiny = torch.full((2,), 1e-12, dtype=torch.float64)
    assert math.isclose(rel_error(tiny, -tiny), 2e-12 / 1e-10)
    a = torch.tensor([1.0 + 1e-9], dtype=torch.float32)      # rounds to 1.0 in float32
    assert rel_error(a, torch.tensor([1.0], dtype=torch.float64)) == 0.0


def test_abs_error():
    assert abs_error(torch.tensor([1.0, 2.0]), torch.tensor([1.5, 1.0])) == 1.0


def test_problem_reports_type_shape_dtype_and_nan():
    want = torch.zeros(2, 3, dtype=torch.float64)
    assert problem([1, 2], want) == 'is list, not a tensor'
    assert problem(torch.zeros(3, 2, dtype=torch.float64), want) == 'has shape (3, 2), expected (2, 3)'
    assert problem(torch.zeros(2, 3), want) == 'has dtype float32, expected float64'
    assert problem(torch.zeros(2, 3), want, check_dtype=False) is None
    bad = want.clone()
    bad[0, 0], bad[1, 1], bad[1, 2] = float('nan'), float('inf'), -float('inf')
    assert problem(bad, want) == 'contains 1 NaN and 2 Inf values'
    assert problem(want.clone(), want) is None
