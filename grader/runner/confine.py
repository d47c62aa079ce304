"""Seccomp filter the runner installs on itself before importing student code.

Network sockets and io_uring are refused (EPERM); tracing, mounting, namespace, module, key-ring and
BPF calls kill the whole process. The filter is synchronised to every thread (TSYNC).
"""
import errno

REFUSED = ('socket', 'socketpair', 'connect', 'bind', 'listen', 'accept', 'accept4', 'sendto', 'sendmsg',
           'io_uring_setup', 'io_uring_enter', 'io_uring_register')    # io_uring would bypass the rest
KILLED = ('ptrace', 'process_vm_readv', 'process_vm_writev', 'mount', 'umount2', 'pivot_root', 'chroot',
          'setns', 'unshare', 'init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load',
          'reboot', 'swapon', 'swapoff', 'bpf', 'perf_event_open', 'keyctl', 'add_key', 'request_key',
          'userfaultfd', 'acct', 'settimeofday', 'clock_settime', 'open_by_handle_at', 'name_to_handle_at',
          'fanotify_init', 'lookup_dcookie', 'quotactl', 'vhangup', 'fsopen', 'fsmount', 'move_mount',
          'open_tree', 'fspick', 'mount_setattr')


SONAMES = {'c': 'libc.so.6', 'seccomp': 'libseccomp.so.2'}


def _import_pyseccomp():
    """pyseccomp looks libraries up with ldconfig, absent in the sandbox: answer with sonames."""
    import ctypes.util
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: SONAMES.get(name) or original(name)
    try:
        import pyseccomp
    finally:
        ctypes.util.find_library = original
    return pyseccomp


def install():
    """Load the filter; raises ImportError or OSError when seccomp is not available."""
    sc = _import_pyseccomp()
    f = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in REFUSED:
        f.add_rule(sc.ERRNO(errno.EPERM), name)
    for name in KILLED:
        try:
            f.add_rule(sc.KILL_PROCESS, name)
        except (ValueError, OSError):       # a call this kernel/arch does not know
            continue
    f.set_attr(sc.Attr.CTL_TSYNC, 1)
    f.load()
