# where: conv_forward
# socket() through another system-call table than the filter's: the i386 one (int 0x80, number 359) or x32
# (number | 0x40000000), from a second thread. The filter must not let it through, and must end the whole process,
# not only the thread that called (the runner would wait for it forever).
import ctypes
import mmap
CODE = {'i386': '53b867010000bb02000000b90100000031d2cd805bc3', 'x32': 'b829000040bf02000000be0100000031d20f05c3'}
code = bytes.fromhex(CODE['{abi}'])
page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(code)
address = ctypes.addressof(ctypes.c_char.from_buffer(page))
call = ctypes.CFUNCTYPE(ctypes.c_long)(address)
import threading
print('ATTACK: {abi}: calling socket(AF_INET)', flush=True)
_t = threading.Thread(target=lambda: print('ATTACK: {abi}: socket returned %d' % call(), flush=True))
_t.start()
_t.join()
print('ATTACK: {abi}: the thread ended', flush=True)
