"""kaiming_initializer: linear and conv weights, with and without ReLU gain, float32 and float64."""
import math

from ..spec import Component, Output

KAIMING_INITIALIZER = Component('kaiming_initializer', 'kaiming_initializer', points=5, procedure='kaiming')
COMPONENTS = (KAIMING_INITIALIZER,)


def checks(t):
    """Statistics to 6 standard errors of the sample estimate (the profile's thresholds are not used)."""
    configs = [
        ('linear_xavier', 400, 2000, None, False, 'float32'),
        ('linear_relu', 200, 2000, None, True, 'float64'),
        ('conv_xavier', 100, 500, 4, False, 'float32'),
        ('conv_relu', 64, 500, 5, True, 'float64'),
    ]
    out = []
    for name, din, dout, k, relu, dtype in configs:
        n = din * dout * (k * k if k else 1)
        std = math.sqrt((2.0 if relu else 1.0) / (din * (k * k if k else 1)))
        out.append(KAIMING_INITIALIZER.check(
            name, params={'Din': din, 'Dout': dout, 'K': k, 'relu': relu, 'dtype': dtype},
            outputs=(Output('w', 'meta', gate=True),
                     # 6 standard errors of the sample std and mean
                     Output('std', 'rel_error', 3.0 / math.sqrt(2 * n), check_dtype=False),
                     Output('mean', 'abs_error', 6.0 * std / math.sqrt(n), check_dtype=False, gate=True)),
            description='Din %d, Dout %d, K %s, relu %s, %s' % (din, dout, k, relu, dtype)))
    return out
