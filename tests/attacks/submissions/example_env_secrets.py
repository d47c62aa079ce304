# where: conv_forward
import os
print('ATTACK: env', sorted(os.environ.items()))
