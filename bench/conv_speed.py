"""The reference's Conv (unfold + matmul, hand-written backward) vs torch's conv2d with autograd.

    python bench/conv_speed.py [--repeat 20]

Forward + backward on the shapes the checks and the training use, float64 and float32, one thread
(as the grader runs); prints each median and the ratio reference / torch (target <= 3x).
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from reference.layers import Conv  # noqa: E402
from timing import median_time  # noqa: E402

SHAPES = (  # (N, C, H, W), (F, KH, KW), stride, pad
    ((2, 3, 4, 4), (3, 3, 3), 2, 1),          # the notebook's check
    ((10, 3, 32, 32), (32, 7, 7), 1, 3),      # ThreeLayerConvNet's first layer on CIFAR
    ((50, 16, 16, 16), (32, 3, 3), 1, 1),     # a DeepConvNet layer
    ((64, 64, 8, 8), (64, 3, 3), 1, 1),
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--repeat', type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    worst = 0.0
    for dtype in (torch.float64, torch.float32):
        for (n, c, h, w), (f, kh, kw), stride, pad in SHAPES:
            x = torch.randn(n, c, h, w, dtype=dtype)
            wt = torch.randn(f, c, kh, kw, dtype=dtype)
            b = torch.randn(f, dtype=dtype)
            param = {'stride': stride, 'pad': pad}
            out, _ = Conv.forward(x, wt, b, param)
            dout = torch.randn_like(out)

            def ours():
                o, cache = Conv.forward(x, wt, b, param)
                return Conv.backward(dout, cache)

            xa, wa, ba = (t.clone().requires_grad_() for t in (x, wt, b))

            def theirs():
                o = F.conv2d(xa, wa, ba, stride=stride, padding=pad)
                return torch.autograd.grad(o, (xa, wa, ba), dout)

            for got, want in zip(ours(), theirs()):
                scale = want.abs().max().clamp_min(1e-12)
                assert (got - want).abs().max() / scale < 1e-4, 'the reference disagrees with torch'
            t_ours = median_time(ours, args.repeat, warmup=True)[0]
            t_theirs = median_time(theirs, args.repeat, warmup=True)[0]
            worst = max(worst, t_ours / t_theirs)
            print('%-8s x %-16s w %-14s stride %d pad %d   reference %8.3f ms   torch %8.3f ms   %.2fx'
                  % (str(dtype).replace('torch.', ''), tuple(x.shape), tuple(wt.shape), stride, pad,
                     t_ours * 1e3, t_theirs * 1e3, t_ours / t_theirs))
    print('worst reference / torch ratio: %.2fx (target <= 3x); 1 thread, median of %d' % (worst, args.repeat))


if __name__ == '__main__':
    main()
