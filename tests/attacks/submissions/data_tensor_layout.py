# where: conv_return
# Unusual layouts and reinterpreted memory; {mode} picks one.
_mode = '{mode}'
if _mode == 'expanded_wrong':          # one number broadcast with stride 0 to the right shape
    _res = torch.zeros(1, dtype=out.dtype).expand(out.shape)
elif _mode == 'reinterpret_wrong':     # float32 memory read as float64: right shape and dtype, garbage values
    _res = out.float().repeat_interleave(2, dim=-1).contiguous().view(torch.float64)
elif _mode == 'float32_right':         # the right values in the wrong dtype
    _res = out.float()
elif _mode == 'int_bits_right':        # the right bits, read as int64
    _res = out.view(torch.int64)
elif _mode == 'transposed_right':      # the right values, non-contiguous
    _res = out.permute(3, 2, 1, 0).contiguous().permute(3, 2, 1, 0)
elif _mode == 'strided_right':         # the right values, every other element of a bigger buffer, offset
    _big = torch.full((out.numel() * 2 + 5,), 7.0, dtype=out.dtype)
    _big[5::2] = out.reshape(-1)
    _res = torch.as_strided(_big, out.shape, [s * 2 for s in out.contiguous().stride()], 5)
elif _mode == 'huge_broadcast':        # 10^10 elements of stride 0: materialising them would need 80 GB
    _res = torch.zeros(1, dtype=out.dtype).expand(100000, 100000)
else:
    raise ValueError(_mode)
print('ATTACK: layout %s shape %s stride %s dtype %s contiguous %s' % (
    _mode, tuple(_res.shape), _res.stride(), _res.dtype, _res.is_contiguous()))
return _res, cache
