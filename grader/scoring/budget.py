"""Bounds on the work the trusted side does with sizes the student chose.

The training checks rebuild the student's trained model from the parameter shapes the runner
returned and evaluate it here, outside the sandbox. three_layer() and deep() read what that
costs from the sizes alone, before any tensor is allocated; refuse() turns a cost above the
limits into the check's verdict (TooCostly); batch_size() keeps one evaluation batch's
activations under BATCH_BYTES, and the evaluation stops at EVAL_TIME_LIMIT_S.
"""
import math

# The limits, in one place. What the assignment needs on 32x32 images (parameters, multiply-adds
# and activation memory per image, as counted below):
#   ThreeLayerConvNet(num_filters=32, filter_size=7, hidden_dim=100)   0.83 M   5.6 M   1.4 MB
#   DeepConvNet([8, 16, 32, 64], max_pools=[0, 1, 2, 3]) (notebook)    27 k     1.1 M   0.65 MB
#   DeepConvNet([32, 64, 128, 256], batchnorm) (a solver's model)       0.40 M   15 M    3.6 MB
# Each limit is about 20x the largest of these (a VGG-like [64, 64, 128, 128, 256, 256] fits:
# 1.2 M, 153 M, 9.9 MB). The memory counts are upper bounds: measured peaks are 1.2-2x lower.
MAX_PARAMS = 20_000_000               # 80 MB in float32
MAX_CONV_LAYERS = 100
MAX_MACS_PER_IMAGE = 300_000_000
MAX_IMAGE_BYTES = 64 << 20            # activations of one image
BATCH_BYTES = 256 << 20               # activations of one evaluation batch
MAX_BATCH = 200
EVAL_TIME_LIMIT_S = 600.0             # for all held-out images of one check (real CIFAR-10: 20 000)
FLOAT = 4                             # bytes: the model is evaluated in float32


class TooCostly(Exception):
    """The check's verdict: the model is beyond what the grader evaluates."""


class Cost:
    """Parameters, multiply-adds per image and activation elements per image (float32 units)."""

    def __init__(self):
        self.params = self.macs = self.elements = 0

    @property
    def image_bytes(self):
        return self.elements * FLOAT

    def conv(self, shape, filters, size, pad):
        """conv (stride 1) as the reference computes it: padded copy, im2col columns, matmul, + bias."""
        C, H, W = shape
        Ho, Wo = H + 2 * pad - size + 1, W + 2 * pad - size + 1
        _positive(Ho, Wo, 'a %dx%d convolution' % (size, size))
        self.params += filters * C * size * size + filters
        self.macs += filters * C * size * size * Ho * Wo
        self.elements += C * (H + 2 * pad) * (W + 2 * pad) + C * size * size * Ho * Wo + 2 * filters * Ho * Wo
        return filters, Ho, Wo

    def batchnorm(self, shape):
        self.params += 2 * shape[0]
        self.elements += 5 * math.prod(shape)       # rows copy, x - mean, x_hat, gamma * x_hat, + beta

    def relu(self, shape, copies=1):
        self.elements += copies * math.prod(shape)

    def pool(self, shape):
        """2x2 max pool, stride 2: a copy of the input, its windows, the maxima and their int64 indices."""
        C, H, W = shape
        Ho, Wo = 1 + (H - 2) // 2, 1 + (W - 2) // 2
        _positive(Ho, Wo, 'a 2x2 max pool')
        self.elements += 2 * C * H * W + 3 * C * Ho * Wo
        return C, Ho, Wo

    def linear(self, inputs, outputs):
        self.params += inputs * outputs + outputs
        self.macs += inputs * outputs
        self.elements += inputs + 2 * outputs


def _positive(H, W, what):
    if H <= 0 or W <= 0:
        raise ValueError('the image shrinks to nothing (%d x %d) after %s' % (H, W, what))


def three_layer(input_dims, num_filters, filter_size, hidden_dim, num_classes):
    """Cost of reference.ThreeLayerConvNet: conv - relu - 2x2 pool - linear - relu - linear."""
    cost = Cost()
    C, H, W = input_dims
    cost.elements += 2 * C * H * W                                  # the batch, cast to float32
    shape = cost.conv(input_dims, num_filters, filter_size, (filter_size - 1) // 2)
    cost.relu(shape)
    shape = cost.pool(shape)
    cost.linear(num_filters * (H // 2) * (W // 2), hidden_dim)    # the reference's W2 rows
    cost.relu((hidden_dim,))
    cost.linear(hidden_dim, num_classes)
    return cost


def deep(input_dims, num_filters, max_pools, batchnorm, num_classes):
    """Cost of reference.DeepConvNet: {conv3x3 - [bn] - relu - [pool]} x L - linear."""
    if len(num_filters) > MAX_CONV_LAYERS:
        raise TooCostly('your model has %d conv layers; the grader evaluates models of up to %d'
                        % (len(num_filters), MAX_CONV_LAYERS))
    cost = Cost()
    C, H, W = input_dims
    cost.elements += 2 * C * H * W
    shape = tuple(input_dims)
    for i, filters in enumerate(num_filters):
        shape = cost.conv(shape, filters, 3, 1)
        if batchnorm:
            cost.batchnorm(shape)
        cost.relu(shape, 2 if batchnorm else 1)                 # after BN the layout needs a copy
        if i in max_pools:
            shape = cost.pool(shape)
    cost.linear(math.prod(shape), num_classes)
    return cost


def _millions(n):
    return '%.3g M' % (n / 1e6) if n < 1e9 else '%.3g G' % (n / 1e9)


def _mb(n):
    return '%.3g MB' % (n / 1e6)


def refuse(cost):
    """TooCostly naming the first limit the model exceeds; nothing when it is within all of them."""
    if cost.params > MAX_PARAMS:
        raise TooCostly('your model has %s parameters; the grader evaluates models of up to %s'
                        % (_millions(cost.params), _millions(MAX_PARAMS)))
    if cost.macs > MAX_MACS_PER_IMAGE:
        raise TooCostly('your model needs %s multiply-adds per image; the grader evaluates models of up to %s'
                        % (_millions(cost.macs), _millions(MAX_MACS_PER_IMAGE)))
    if cost.image_bytes > MAX_IMAGE_BYTES:
        raise TooCostly('your model needs %s of memory per image to evaluate; the limit is %s'
                        % (_mb(cost.image_bytes), _mb(MAX_IMAGE_BYTES)))


def batch_size(cost):
    """Images per evaluation batch: their activations stay under BATCH_BYTES."""
    return max(1, min(MAX_BATCH, BATCH_BYTES // max(1, cost.image_bytes)))
