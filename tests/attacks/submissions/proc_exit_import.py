# where: import
import os
print('ATTACK: os._exit(0) at import time', flush=True)
os._exit(0)
