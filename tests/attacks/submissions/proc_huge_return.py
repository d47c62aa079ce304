# where: conv_return
# Return a 384 MiB tensor (more than the 256 MiB a reply may carry) instead of the real output.
print('ATTACK: huge return: returning a 384 MiB tensor', flush=True)
return torch.zeros(48 << 20, dtype=torch.float64), (x, w, b, conv_param)
