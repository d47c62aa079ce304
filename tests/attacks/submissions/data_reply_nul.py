# where: conv_forward
# NUL bytes (which PostgreSQL refuses in text) and an ANSI escape in the captured output and in an error message.
import sys as _sys
print('ATTACK: nul \x00 here \x1b[2J')
print('ATTACK: nul on stderr \x00', file=_sys.stderr)
raise ValueError('nul \x00 byte')
