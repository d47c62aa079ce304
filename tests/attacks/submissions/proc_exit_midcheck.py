# where: conv_forward
import os
print('ATTACK: exit calling os._exit(0) in the middle of Conv.forward', flush=True)
os._exit(0)
