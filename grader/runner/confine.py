"""Seccomp filter the runner (and the sandbox's pid 1, runner/reaper.py) installs on itself before student code.

Network sockets and io_uring are refused (EPERM); tracing, mounting, namespace, module, key-ring and
BPF calls kill the whole process, and so does clone asking for a new namespace. clone3 answers ENOSYS: its
flags sit in memory a filter cannot read, and libc falls back to clone. A call through another system-call
table (i386 `int 0x80`, x32) kills the whole process too, not only its thread. The filter is synchronised to
every thread (TSYNC).
"""
import errno

REFUSED = ('socket', 'socketpair', 'connect', 'bind', 'listen', 'accept', 'accept4', 'sendto', 'sendmsg',
           'io_uring_setup', 'io_uring_enter', 'io_uring_register')    # io_uring would bypass the rest
KILLED = ('ptrace', 'process_vm_readv', 'process_vm_writev', 'mount', 'umount2', 'pivot_root', 'chroot',
          'setns', 'unshare', 'init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load',
          'reboot', 'swapon', 'swapoff', 'bpf', 'perf_event_open', 'keyctl', 'add_key', 'request_key',
          'userfaultfd', 'acct', 'settimeofday', 'clock_settime', 'open_by_handle_at', 'name_to_handle_at',
          'fanotify_init', 'lookup_dcookie', 'quotactl', 'vhangup', 'fsopen', 'fsmount', 'move_mount',
          'open_tree', 'fspick', 'mount_setattr', 'pidfd_getfd', 'process_madvise', 'kcmp',
          'modify_ldt', 'iopl', 'ioperm', 'uselib')
# clone's flags (its first argument on every architecture this runs on) that create namespaces
CLONE_NAMESPACES = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)


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
    f.set_attr(sc.Attr.ACT_BADARCH, sc.KILL_PROCESS)
    for flag in CLONE_NAMESPACES:
        f.add_rule(sc.KILL_PROCESS, 'clone', sc.Arg(0, sc.MASKED_EQ, flag, flag))
    f.add_rule(sc.ERRNO(errno.ENOSYS), 'clone3')
    for name in REFUSED:
        f.add_rule(sc.ERRNO(errno.EPERM), name)
    for name in KILLED:
        try:
            f.add_rule(sc.KILL_PROCESS, name)
        except (ValueError, OSError):       # a call this kernel/arch does not know
            continue
    f.set_attr(sc.Attr.CTL_TSYNC, 1)
    f.load()
