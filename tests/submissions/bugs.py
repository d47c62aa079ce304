"""A corpus of buggy submissions: each entry is ONE realistic student bug.

Every bug is a textual patch on one of the two correct submissions in this folder:
`old` must occur exactly `count` times in the base file and every occurrence is
replaced by `new`. `component` is the component (grader/components/ COMPONENTS) the bug
belongs to; `also` lists the other components that legitimately fail because their
checks run the buggy code although the catalog's `depends_on` does not say so (each
use is justified in a comment). tests/integration/test_bug_corpus.py grades every bug
and checks it is caught by `component` and by nothing that does not call the bug.
"""
import os
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
BASES = ('correct_vectorized', 'correct_naive')


@dataclass(frozen=True)
class Bug:
    id: str
    component: str
    description: str
    old: str
    new: str
    base: str = 'correct_vectorized'
    count: int = 1
    also: tuple = ()


def base_path(base):
    return os.path.join(HERE, base, 'convolutional_networks.py')


def base_source(base):
    with open(base_path(base), encoding='utf-8') as f:
        return f.read()


def apply(bug):
    """The patched source of `bug` as bytes (asserts the occurrence count first)."""
    text = base_source(bug.base)
    found = text.count(bug.old)
    assert found == bug.count, '%s: old occurs %d times in %s, expected %d' % (
        bug.id, found, bug.base, bug.count)
    patched = text.replace(bug.old, bug.new)
    assert patched != text, '%s: the patch changes nothing' % bug.id
    return patched.encode('utf-8')


# ---------------------------------------------------------------------------------------
# Multi-line blocks of the vectorized base, reused by several bugs.
# ---------------------------------------------------------------------------------------

_V_DEEP_REG_BACKWARD = """\
        for idx in range(1, L + 1):
            W = self.params['W%d' % idx]
            loss += self.reg * torch.sum(W * W)

        dout, dw, db = Linear.backward(dscores, caches[L - 1])
        grads['W%d' % L] = dw + 2 * self.reg * self.params['W%d' % L]
        grads['b%d' % L] = db
        for i in reversed(range(L - 1)):
            idx = i + 1
            if self.batchnorm:
                if i in self.max_pools:
                    dout, dw, db, dgamma, dbeta = \\
                        Conv_BatchNorm_ReLU_Pool.backward(dout, caches[i])
                else:
                    dout, dw, db, dgamma, dbeta = \\
                        Conv_BatchNorm_ReLU.backward(dout, caches[i])
                grads['gamma%d' % idx] = dgamma
                grads['beta%d' % idx] = dbeta
            else:
                if i in self.max_pools:
                    dout, dw, db = Conv_ReLU_Pool.backward(dout, caches[i])
                else:
                    dout, dw, db = Conv_ReLU.backward(dout, caches[i])
            grads['W%d' % idx] = dw + 2 * self.reg * self.params['W%d' % idx]
            grads['b%d' % idx] = db
"""

_V_THREE_REG = """\
        for k in ('W1', 'W2', 'W3'):
            loss += self.reg * torch.sum(self.params[k] * self.params[k])

        dout2, grads['W3'], grads['b3'] = Linear.backward(dscores, cache3)
        dout1, grads['W2'], grads['b2'] = Linear_ReLU.backward(dout2, cache2)
        _, grads['W1'], grads['b1'] = Conv_ReLU_Pool.backward(dout1, cache1)

        for k in ('W1', 'W2', 'W3'):
            grads[k] += 2 * self.reg * self.params[k]
"""

_V_DEEP_LOAD = """\
        self.bn_params = checkpoint['bn_params']

        for p in self.params:
            self.params[p] = \\
                self.params[p].type(dtype).to(device)

        for i in range(len(self.bn_params)):
            for p in ["running_mean", "running_var"]:
                self.bn_params[i][p] = \\
                    self.bn_params[i][p].type(dtype).to(device)
"""


def _sub(text, old, new, count=1):
    """Derive a block from another one; asserts the edit applies exactly `count` times."""
    assert text.count(old) == count, (old, text.count(old))
    return text.replace(old, new)


BUGS = [
    # ----------------------------------------------------------------- Conv.forward
    Bug('conv_fwd_output_size_off_by_one', 'conv_forward',
        "output size H' = (H + 2*pad - HH) // stride, without the '1 +'",
        old="""\
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
""",
        new="""\
    H_out = (H + 2 * pad - HH) // stride
    W_out = (W + 2 * pad - WW) // stride
""",
        base='correct_naive'),
    Bug('conv_fwd_output_size_pad_once', 'conv_forward',
        "output size int(1 + (H + pad - HH) / stride): the padding counted on one side only",
        old="""\
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
""",
        new="""\
    H_out = int(1 + (H + pad - HH) / stride)
    W_out = int(1 + (W + pad - WW) / stride)
""",
        base='correct_naive'),
    Bug('conv_fwd_stride_ignored', 'conv_forward',
        'forward slides the filter with step 1 whatever the stride',
        old="""\
        # patches: (N, C, H', W', HH, WW), a strided view of x_pad
        patches = x_pad.unfold(2, HH, stride).unfold(3, WW, stride)
""",
        new="""\
        # patches: (N, C, H', W', HH, WW), a strided view of x_pad
        patches = x_pad.unfold(2, HH, 1).unfold(3, WW, 1)
"""),
    Bug('conv_fwd_pad_one_side', 'conv_forward',
        'F.pad(x, (pad, 0, pad, 0)): zeros only on the left and top',
        old="""\
        x_pad = torch.nn.functional.pad(x, (pad, pad, pad, pad))
        # patches: (N, C, H', W', HH, WW), a strided view of x_pad
""",
        new="""\
        x_pad = torch.nn.functional.pad(x, (pad, 0, pad, 0))
        # patches: (N, C, H', W', HH, WW), a strided view of x_pad
"""),
    Bug('conv_fwd_bias_added_twice', 'conv_forward',
        'bias folded into the einsum line and then added again',
        old="""\
        out = torch.einsum('nchwij,fcij->nfhw', patches, w)
        out = out + b.view(1, F, 1, 1)
""",
        new="""\
        out = torch.einsum('nchwij,fcij->nfhw', patches, w) + b.view(1, F, 1, 1)
        out = out + b.view(1, F, 1, 1)
"""),
    # The window is a view of x_pad, and with pad == 0 the "no copy needed" shortcut makes
    # x_pad the caller's x: the in-place multiply corrupts the input (the check's 'x' output)
    # and later windows. The conv_backward checks run this same forward first, and for pad 0
    # the cache then holds the corrupted x, so dw is wrong there too.
    Bug('conv_fwd_modifies_x_in_place', 'conv_forward',
        'pad 0 shortcut x_pad = x plus an in-place window *= w[f]: the input x is overwritten',
        old="""\
    x_pad = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    out = torch.zeros((N, F, H_out, W_out), dtype=x.dtype, device=x.device)
    for n in range(N):
      for f in range(F):
        for i in range(H_out):
          for j in range(W_out):
            h0 = i * stride
            w0 = j * stride
            window = x_pad[n, :, h0:h0 + HH, w0:w0 + WW]
            out[n, f, i, j] = torch.sum(window * w[f]) + b[f]
""",
        new="""\
    x_pad = x if pad == 0 else torch.nn.functional.pad(x, (pad, pad, pad, pad))
    out = torch.zeros((N, F, H_out, W_out), dtype=x.dtype, device=x.device)
    for n in range(N):
      for f in range(F):
        for i in range(H_out):
          for j in range(W_out):
            h0 = i * stride
            w0 = j * stride
            window = x_pad[n, :, h0:h0 + HH, w0:w0 + WW]
            window *= w[f]
            out[n, f, i, j] = torch.sum(window) + b[f]
""",
        base='correct_naive', also=('conv_backward',)),
    # ---------------------------------------------------------------- Conv.backward
    Bug('conv_bwd_negative_slice_pad0', 'conv_backward',
        'dx = dx_pad[:, :, pad:-pad, pad:-pad]: empty when pad == 0',
        old='    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]\n',
        new='    dx = dx_pad[:, :, pad:-pad, pad:-pad]\n',
        base='correct_naive'),
    Bug('conv_bwd_db_wrong_axes', 'conv_backward',
        'db summed over (1, 2, 3) instead of (0, 2, 3)',
        old='        db = dout.sum(dim=(0, 2, 3))\n',
        new='        db = dout.sum(dim=(1, 2, 3))\n'),
    Bug('conv_bwd_dw_missing_sum_over_n', 'conv_backward',
        'dw reset inside the loop over samples: only the last image contributes',
        old="""\
    for n in range(N):
      for f in range(F):
        db[f] += dout[n, f].sum()
""",
        new="""\
    for n in range(N):
      dw = torch.zeros_like(w)
      for f in range(F):
        db[f] += dout[n, f].sum()
""",
        base='correct_naive'),
    Bug('conv_bwd_dx_float32', 'conv_backward',
        'dx_pad created with a hard-coded dtype=torch.float32',
        old='    dx_pad = torch.zeros_like(x_pad)\n',
        new='    dx_pad = torch.zeros(x_pad.shape, dtype=torch.float32, device=x.device)\n',
        base='correct_naive'),
    Bug('conv_bwd_dx_not_strided', 'conv_backward',
        'col2im scatter ignores the stride when adding patch gradients back',
        old="""\
                dx_pad[:, :, i:i + h_end:stride, j:j + w_end:stride] += \\
                    dpatches[:, :, i, j]
""",
        new="""\
                dx_pad[:, :, i:i + H_out, j:j + W_out] += \\
                    dpatches[:, :, i, j]
"""),
    # -------------------------------------------------------------- MaxPool.forward
    Bug('maxpool_fwd_stride_is_pool_size', 'maxpool_forward',
        'forward steps by pool_height/pool_width instead of the stride',
        old="""\
        windows = x.unfold(2, ph, stride).unfold(3, pw, stride)
        H_out, W_out = windows.shape[2], windows.shape[3]
        out = windows""",
        new="""\
        windows = x.unfold(2, ph, ph).unfold(3, pw, pw)
        H_out, W_out = windows.shape[2], windows.shape[3]
        out = windows"""),
    Bug('maxpool_fwd_height_width_swapped', 'maxpool_forward',
        'pool_width used along H and pool_height along W',
        old="""\
        windows = x.unfold(2, ph, stride).unfold(3, pw, stride)
        H_out, W_out = windows.shape[2], windows.shape[3]
        out = windows""",
        new="""\
        windows = x.unfold(2, pw, stride).unfold(3, ph, stride)
        H_out, W_out = windows.shape[2], windows.shape[3]
        out = windows"""),
    Bug('maxpool_fwd_out_float32', 'maxpool_forward',
        'output buffer created with a hard-coded dtype=torch.float32',
        old='    out = torch.zeros((N, C, H_out, W_out), dtype=x.dtype, device=x.device)\n',
        new='    out = torch.zeros((N, C, H_out, W_out), dtype=torch.float32, device=x.device)\n',
        base='correct_naive'),
    # ------------------------------------------------------------- MaxPool.backward
    Bug('maxpool_bwd_overwrite_not_accumulate', 'maxpool_backward',
        "dx[...] = dout[...] instead of +=: overlapping windows lose gradient",
        old='            dx[n, c, h0 + r, w0 + s] += dout[n, c, i, j]\n',
        new='            dx[n, c, h0 + r, w0 + s] = dout[n, c, i, j]\n',
        base='correct_naive'),
    Bug('maxpool_bwd_argmax_transposed', 'maxpool_backward',
        'row and column of the argmax swapped: gradient routed to the wrong element',
        old="""\
            r = idx // pool_width
            s = idx % pool_width
""",
        new="""\
            r = idx % pool_width
            s = idx // pool_width
""",
        base='correct_naive'),
    Bug('maxpool_bwd_unravel_with_pool_height', 'maxpool_backward',
        'flat argmax unravelled with pool_height instead of pool_width (wrong for non-square pools)',
        old="""\
            + torch.div(idx, pw, rounding_mode='floor')
        cols = torch.arange(W_out, device=x.device).view(1, -1) * stride \\
            + idx % pw
""",
        new="""\
            + torch.div(idx, ph, rounding_mode='floor')
        cols = torch.arange(W_out, device=x.device).view(1, -1) * stride \\
            + idx % ph
"""),
    Bug('maxpool_bwd_hardcoded_cuda', 'maxpool_backward',
        'dx buffer moved with a hard-coded .cuda() (the skeleton forbids it; fails on CPU, wrong device on GPU)',
        old='        dx = torch.zeros(N, C, H * W, dtype=x.dtype, device=x.device)\n',
        new='        dx = torch.zeros(N, C, H * W, dtype=x.dtype).cuda()\n'),
    # ------------------------------------------------------------ BatchNorm.forward
    # SpatialBatchNorm.forward calls BatchNorm.forward in both bases (the assignment's hint),
    # so a bug in the statistics also fails spatial_batchnorm_forward (its declared depends_on).
    Bug('bn_fwd_unbiased_variance', 'batchnorm_forward',
        'torch.var default (unbiased, 1/(N-1)) for the batch variance',
        old='            var = (xc ** 2).mean(dim=0)\n',
        new='            var = torch.var(x, dim=0)\n'),
    Bug('bn_fwd_momentum_swapped', 'batchnorm_forward',
        'running = (1 - momentum) * running + momentum * batch',
        old="""\
            running_mean = momentum * running_mean + (1 - momentum) * mu
            running_var = momentum * running_var + (1 - momentum) * var
""",
        new="""\
            running_mean = (1 - momentum) * running_mean + momentum * mu
            running_var = (1 - momentum) * running_var + momentum * var
"""),
    Bug('bn_fwd_test_uses_batch_stats', 'batchnorm_forward',
        'test mode normalizes with the statistics of the test batch',
        old="""\
            std = torch.sqrt(running_var + eps)
            xc = x - running_mean
""",
        new="""\
            std = torch.sqrt(x.var(dim=0, unbiased=False) + eps)
            xc = x - x.mean(dim=0)
"""),
    Bug('bn_fwd_eps_outside_sqrt', 'batchnorm_forward',
        'std = sqrt(var) + eps instead of sqrt(var + eps)',
        old='            std = torch.sqrt(var + eps)\n',
        new='            std = torch.sqrt(var) + eps\n'),
    # (x.sub_(mu) in BatchNorm.forward is no bug: the skeleton forbids changing x in place only in Conv and
    # ReLU; tests/submissions/contract.py keeps it as a file that loses nothing and is told so.)
    # ----------------------------------------------------------- BatchNorm.backward
    Bug('bn_bwd_missing_dmean', 'batchnorm_backward',
        'staged backward drops the gradient through the mean (dx = dxc)',
        old='            dx = dxc + dmu / N\n',
        new='            dx = dxc\n'),
    # Missed while the eps checks ran on data of variance 25 (dx moved 2e-5 against SpatialBatchNorm's 1e-6).
    Bug('bn_bwd_drops_eps', 'batchnorm_backward',
        'staged backward recomputes std from the centred input without eps',
        old='            dinvstd = (dx_hat * xc).sum(dim=0)\n',
        new='            std = torch.sqrt((xc ** 2).mean(dim=0))\n            dinvstd = (dx_hat * xc).sum(dim=0)\n'),
    # The naive SpatialBatchNorm.backward calls BatchNorm.backward; the catalog says so
    # (spatial_batchnorm_backward depends_on batchnorm_backward), so no `also` is needed.
    Bug('bn_bwd_missing_dmean_naive', 'batchnorm_backward',
        'dx without the dmu / N term',
        old='    dx = dx_hat * inv_std + dvar * 2.0 * x_mu / N + dmu / N\n',
        new='    dx = dx_hat * inv_std + dvar * 2.0 * x_mu / N\n',
        base='correct_naive'),
    # ------------------------------------------------------- BatchNorm.backward_alt
    # The vectorized SpatialBatchNorm.backward calls BatchNorm.backward_alt, so its checks
    # (and, through them, the BN model's) run the buggy code (declared in depends_on).
    Bug('bn_alt_missing_n_factor', 'batchnorm_backward_alt',
        'simplified formula without the N in front of dout',
        old='            dx = (gamma / (N * std)) * (N * dout - dbeta - x_hat * dgamma)\n',
        new='            dx = (gamma / (N * std)) * (dout - dbeta - x_hat * dgamma)\n'),
    Bug('bn_alt_sign_error', 'batchnorm_backward_alt',
        'simplified formula with + x_hat * dgamma',
        old='    dx = gamma / (N * torch.sqrt(var + eps)) * (N * dout - dbeta - x_hat * dgamma)\n',
        new='    dx = gamma / (N * torch.sqrt(var + eps)) * (N * dout - dbeta + x_hat * dgamma)\n',
        base='correct_naive'),
    # ----------------------------------------------------- SpatialBatchNorm.forward
    Bug('sbn_fwd_reshape_without_permute', 'spatial_batchnorm_forward',
        'x.reshape(-1, C) straight from (N, C, H, W): rows mix channels',
        old="""\
        x_flat = x.permute(0, 2, 3, 1).reshape(-1, C)
        out_flat, cache = BatchNorm.forward(x_flat, gamma, beta, bn_param)
        out = out_flat.reshape(N, H, W, C).permute(0, 3, 1, 2).contiguous()
""",
        new="""\
        x_flat = x.reshape(-1, C)
        out_flat, cache = BatchNorm.forward(x_flat, gamma, beta, bn_param)
        out = out_flat.reshape(N, C, H, W)
"""),
    Bug('sbn_fwd_stats_over_n_only', 'spatial_batchnorm_forward',
        'statistics per (c, h, w) over N only (x.reshape(N, -1)), gamma/beta repeated',
        old="""\
    x_t = x.transpose(0, 1).reshape(C, -1).t()
    out_t, cache = BatchNorm.forward(x_t, gamma, beta, bn_param)
    out = out_t.t().reshape(C, N, H, W).transpose(0, 1)
""",
        new="""\
    x_t = x.reshape(N, -1)
    out_t, cache = BatchNorm.forward(x_t, gamma.repeat_interleave(H * W),
                                     beta.repeat_interleave(H * W), bn_param)
    out = out_t.reshape(N, C, H, W)
""",
        base='correct_naive'),
    # ---------------------------------------------------- SpatialBatchNorm.backward
    Bug('sbn_bwd_reshape_without_permute', 'spatial_batchnorm_backward',
        'dout.reshape(-1, C) without moving C last first',
        old='        dout_flat = dout.permute(0, 2, 3, 1).reshape(-1, C)\n',
        new='        dout_flat = dout.reshape(-1, C)\n'),
    Bug('sbn_bwd_dx_layout', 'spatial_batchnorm_backward',
        'dx_t reshaped to (N, C, H, W) directly instead of (C, N, H, W) then transposed',
        old='    dx = dx_t.t().reshape(C, N, H, W).transpose(0, 1)\n',
        new='    dx = dx_t.reshape(N, C, H, W)\n',
        base='correct_naive'),
    # ---------------------------------------------------------- kaiming_initializer
    Bug('kaiming_missing_sqrt', 'kaiming_initializer',
        'scale gain / fan_in instead of sqrt(gain / fan_in)',
        old='            * (gain / fan_in) ** 0.5\n',
        new='            * (gain / fan_in)\n',
        count=2),
    Bug('kaiming_gain_ignored', 'kaiming_initializer',
        'gain fixed at 1: relu=True gives the Xavier scale',
        old="    gain = 2. if relu else 1.\n",
        new="    gain = 1.\n"),
    Bug('kaiming_conv_shape_swapped', 'kaiming_initializer',
        'conv weights shaped (Din, Dout, K, K) instead of (Dout, Din, K, K)',
        old='        weight = torch.randn(Dout, Din, K, K, dtype=dtype, device=device) \\\n',
        new='        weight = torch.randn(Din, Dout, K, K, dtype=dtype, device=device) \\\n'),
    Bug('kaiming_conv_fan_in_without_k', 'kaiming_initializer',
        'conv fan_in = Din, ignoring the K*K receptive field',
        old='        fan_in = Din * K * K\n',
        new='        fan_in = Din\n'),
    Bug('kaiming_dtype_ignored', 'kaiming_initializer',
        'linear weights created without dtype=, always float32',
        old="""\
        weight = torch.randn(Din, Dout, dtype=dtype, device=device) \\
""",
        new="""\
        weight = torch.randn(Din, Dout, device=device) \\
"""),
    # ------------------------------------------------------------ ThreeLayerConvNet
    Bug('three_layer_half_reg', 'three_layer_convnet',
        'L2 with the 0.5 factor (loss 0.5*reg*sum W^2, gradient reg*W)',
        old=_V_THREE_REG,
        new=_sub(_sub(_V_THREE_REG, 'loss += self.reg *', 'loss += 0.5 * self.reg *'),
                 'grads[k] += 2 * self.reg *', 'grads[k] += self.reg *')),
    Bug('three_layer_no_pad', 'three_layer_convnet',
        "conv_param pad 0: the conv shrinks the image and W2 no longer fits",
        old="""\
        filter_size = W1.shape[2]
        conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}
""",
        new="""\
        filter_size = W1.shape[2]
        conv_param = {'stride': 1, 'pad': 0}
"""),
    Bug('three_layer_w2_grad_missing_reg', 'three_layer_convnet',
        "grads['W2'] without the 2*reg*W2 term",
        old="    grads['W2'] = dW2 + 2 * self.reg * W2\n",
        new="    grads['W2'] = dW2\n",
        base='correct_naive'),
    Bug('three_layer_hidden_size_unpooled', 'three_layer_convnet',
        'W2 sized num_filters*H*W, forgetting the 2x2 pool',
        old='        pooled_dim = num_filters * (H // 2) * (W // 2)\n',
        new='        pooled_dim = num_filters * H * W\n'),
    # ------------------------------------------------------------------ DeepConvNet
    # DeepConvNet's code also runs in the batchnorm=True checks, which declare deep_convnet.
    Bug('deep_half_reg', 'deep_convnet',
        'L2 with the 0.5 factor (loss 0.5*reg*sum W^2, gradient reg*W)',
        old=_V_DEEP_REG_BACKWARD,
        new=_sub(_sub(_V_DEEP_REG_BACKWARD,
                      'loss += self.reg * torch.sum(W * W)', 'loss += 0.5 * self.reg * torch.sum(W * W)'),
                 'dw + 2 * self.reg *', 'dw + self.reg *', count=2)),
    # The grad checks move biases off zero first, so the extra terms are visible.
    Bug('deep_reg_on_all_params', 'deep_convnet',
        'L2 over every parameter (biases, gamma, beta too), in loss and gradients',
        old=_V_DEEP_REG_BACKWARD,
        new=_sub(_V_DEEP_REG_BACKWARD, """\
        for idx in range(1, L + 1):
            W = self.params['W%d' % idx]
            loss += self.reg * torch.sum(W * W)
""", """\
        for name, param in self.params.items():
            loss += self.reg * torch.sum(param * param)
""") + """\
        for name in grads:
            if not name.startswith('W'):
                grads[name] = grads[name] + 2 * self.reg * self.params[name]
"""),
    # __init__ is shared by batchnorm=True models: their init check sees the non-zero
    # biases and, with weight_scale='kaiming', 'kaiming' * tensor raises.
    Bug('deep_bias_init_randn', 'deep_convnet',
        'conv biases initialised like the weights: weight_scale * randn',
        old="""\
            self.params['b%d' % idx] = torch.zeros(num_filter, dtype=dtype,
                                                   device=device)
""",
        new="""\
            self.params['b%d' % idx] = weight_scale * torch.randn(
                num_filter, dtype=dtype, device=device)
"""),
    # __init__ is shared by batchnorm=True models (their pools shrink the image too).
    Bug('deep_fc_size_ignores_pools', 'deep_convnet',
        'final linear layer sized with the unpooled H x W',
        old="""\
            if i in max_pools:
                H, W = H // 2, W // 2
            prev_dim = num_filter
""",
        new="""\
            prev_dim = num_filter
"""),
    # __init__ is shared by batchnorm=True models, which the catalog builds with 'kaiming'.
    Bug('deep_kaiming_ignored', 'deep_convnet',
        "weight_scale='kaiming' silently replaced by 1e-3",
        old="""\
        C, H, W = input_dims
        prev_dim = C
""",
        new="""\
        C, H, W = input_dims
        if isinstance(weight_scale, str):
            weight_scale = 1e-3  # TODO: kaiming
        prev_dim = C
"""),
    Bug('deep_bn_mode_never_test', 'deep_convnet_batchnorm',
        "bn_param['mode'] never set: scores with y=None still use batch statistics",
        old="""\
        if self.batchnorm:
            for bn_param in self.bn_params:
                bn_param['mode'] = mode
""",
        new="""\
        if self.batchnorm:
            for bn_param in self.bn_params:
                bn_param.setdefault('mode', mode)
"""),
    Bug('deep_bn_params_shared_dict', 'deep_convnet_batchnorm',
        'one bn_param dict shared by every layer ([{...}] * n): running stats clobbered',
        old="""\
            self.bn_params = [{'mode': 'train'}
                              for _ in range(len(num_filters))]
""",
        new="""\
            self.bn_params = [{'mode': 'train'}] * len(num_filters)
"""),
    # ------------------------------------------------------------------- save/load
    Bug('deep_load_ignores_bn_params', 'save_load',
        'DeepConvNet.load restores params but not the bn_params running statistics',
        old=_V_DEEP_LOAD,
        new="""\

        for p in self.params:
            self.params[p] = \\
                self.params[p].type(dtype).to(device)
"""),
    Bug('deep_load_casts_float64', 'save_load',
        'DeepConvNet.load casts params to a hard-coded torch.float64, not the dtype argument',
        old="""\
            self.params[p] = \\
                self.params[p].type(dtype).to(device)
""",
        new="""\
            self.params[p] = \\
                self.params[p].type(torch.float64).to(device)
"""),
    Bug('three_layer_save_omits_params', 'save_load',
        "ThreeLayerConvNet.load keeps the freshly initialised params (checkpoint['params'] unused)",
        old="""\
        checkpoint = torch.load(path, map_location='cpu')
        self.params = checkpoint['params']
        self.dtype = checkpoint['dtype']
""",
        new="""\
        checkpoint = torch.load(path, map_location='cpu')
        self.dtype = checkpoint['dtype']
"""),
    # --------------------------------------------------------------------- overfit
    Bug('overfit_learning_rate_too_small', 'overfit',
        'find_overfit_parameters returns learning_rate 1e-6',
        old="""\
    weight_scale = 1e-1
    learning_rate = 1e-3
""",
        new="""\
    weight_scale = 1e-1
    learning_rate = 1e-6
"""),
    Bug('overfit_weight_scale_too_small', 'overfit',
        'find_overfit_parameters returns weight_scale 1e-5 (and the placeholder lr 1e-5)',
        old="""\
  weight_scale = 1e-1
  learning_rate = 2e-3
""",
        new="""\
  weight_scale = 1e-5
  learning_rate = 1e-5
""",
        base='correct_naive'),
    # ---------------------------------------------------------------------- solver
    Bug('solver_learning_rate_typo', 'solver',
        "create_convolutional_solver_instance: learning_rate 2e-8 (typo for 2e-3)",
        old="                    optim_config={'learning_rate': 2e-3},\n",
        new="                    optim_config={'learning_rate': 2e-8},\n"),
]


# Two bugs the first catalog missed, caught since the fixes named in their comments.
BUGS += [
    # Caught since the model checks move every parameter off its initial value (biases start at 0).
    Bug('three_layer_reg_on_biases', 'three_layer_convnet',
        'L2 also over b1, b2, b3 (loss and gradients)',
        old="        for k in ('W1', 'W2', 'W3'):\n",
        new="        for k in ('W1', 'b1', 'W2', 'b2', 'W3', 'b3'):\n",
        count=2),
    # Caught since the save/load check loads a float64 checkpoint with dtype=torch.float32.
    Bug('deep_load_no_dtype_cast', 'save_load',
        'DeepConvNet.load ignores its dtype argument (no cast of params or running stats)',
        old=_V_DEEP_LOAD,
        new=_sub(_V_DEEP_LOAD, '.type(dtype)', '', count=2)),
]
