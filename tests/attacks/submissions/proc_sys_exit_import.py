# where: import
import sys
print('ATTACK: sys.exit(3) at import time', flush=True)
sys.exit(3)
