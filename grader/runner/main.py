"""The runner: the only process that imports student code.

Started by the trusted side with two pipes: commands come in on --cmd-fd, replies go out
on --reply-fd. Each message is one JSON line followed by `payload` bytes (safetensors).
Commands: {"op": "import", "module", "solver_module"} (once) and
{"op": "run", "check", "procedure", "params", "seed", "payload"}. A runner may be started before its
submission exists (the warm pool): the files appear in --submission before the import command.
Replies: {"ok": true, "payload": N, "out": [stdout offset, stderr offset]} or {"ok": false, "error": {...}, "out"}.
"""
import argparse
import json
import os
import random
import sys
import traceback


def describe(exc, student_file):
    """type, message and the student's line for an exception."""
    student_file = student_file or ''
    info = {'type': type(exc).__name__, 'message': str(exc)[:1000]}
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == student_file:
        info.update(line=exc.lineno, code=(exc.text or '').strip()[:200], function='<module>')
        info['message'] = exc.msg
        return info
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename) == student_file]
    if frames:
        last = frames[-1]
        info.update(line=last.lineno, function=last.name, code=(last.line or '')[:200])
    return info


def encode_outputs(outputs, meta):
    """(size, buffers) of the tensor outputs in safetensors form; non-tensors and devices go in the metadata."""
    import torch
    import wire
    tensors, other, devices = {}, {}, {}
    for name, value in outputs.items():
        if isinstance(value, torch.Tensor):
            devices[name] = str(value.device)
            value = value.detach().as_subclass(torch.Tensor)
            if value.layout != torch.strided or value.dtype not in wire.DTYPES:
                other[name] = 'a %s %s tensor' % (str(value.layout)[6:], str(value.dtype)[6:])
                continue
            tensors[name] = value
        else:
            other[name] = type(value).__name__
    meta = dict(meta, non_tensors=other, devices=devices)
    return wire.encode(tensors, {'meta': json.dumps(meta)})


def warm_up(torch):
    """Pay torch's lazy first-call costs before any submission: the first autograd backward imports
    torch.fx's symbolic shapes and sympy (~0.4 s), and the skeleton's Fast layers call backward."""
    x = torch.zeros(1, 1, 4, 4, requires_grad=True)
    w = torch.zeros(1, 1, 3, 3, requires_grad=True)
    out = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(x, w, padding=1), 2)
    out.backward(torch.ones_like(out))


def warm_heap(torch, mib=96):
    """Grow the heap once and keep it: freed tensors are reused instead of returned to the system and faulted
    in again (~25k page faults in a numeric grading otherwise; a long-lived process has this for free)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        libc.mallopt(-1, 1 << 30)                # M_TRIM_THRESHOLD: never give the top of the heap back
        libc.mallopt(-3, 32 << 20)               # M_MMAP_THRESHOLD: blocks up to 32 MiB come from the heap
    except (OSError, AttributeError):            # not glibc: nothing to tune
        return
    blocks = [torch.ones(16 << 17, dtype=torch.float64) for _ in range(mib // 16)]
    del blocks


def output_ends():
    """Where stdout and stderr have got (the grader attributes output to checks by it); None if closed."""
    try:
        return [os.lseek(1, 0, os.SEEK_CUR), os.lseek(2, 0, os.SEEK_CUR)]
    except OSError:
        return None


def read_exactly(stream, n):
    data = stream.read(n)
    if data is None or len(data) != n:
        raise EOFError('command payload cut short')
    return data


def prepare():
    """Everything a runner does before it knows its submission (a fork server does it once)."""
    import procedures  # noqa: F401
    import stubs
    import torch
    import wire
    from safetensors.torch import load
    torch.set_num_threads(1)
    # Warm up everything a reply needs (numpy is imported lazily), so that student code
    # that exhausts file descriptors or memory cannot break the next check's reply.
    load(wire.to_bytes(*encode_outputs({'warm': torch.zeros(1)}, {})))
    warm_up(torch)
    stubs.install()


def serve(commands, replies, submission, device, seccomp):
    """Confine this process, then answer commands until the trusted side closes the pipe."""
    import procedures
    import torch
    from safetensors.torch import load
    sys.stdin = open(os.devnull)
    if device == 'cuda':
        torch.zeros(1, device='cuda')          # initialise CUDA before the filter goes on
    if seccomp:
        import confine
        confine.install()
    sys.path.insert(0, submission)

    student_file = None
    ctx = {'device': device, 'workdir': os.getcwd()}
    module = None

    def send(obj, payload=(0, ())):
        sys.stdout.flush()
        sys.stderr.flush()
        size, parts = payload
        # where this check's output ends: the grader reads replies later than they are written
        obj.update(payload=size, out=output_ends())
        replies.write(json.dumps(obj).encode() + b'\n')
        for part in parts:
            replies.write(part)
        replies.flush()

    warm_heap(torch)
    send({'ok': True, 'ready': True})
    for line in commands:
        request = json.loads(line)
        payload = read_exactly(commands, request.get('payload', 0))
        check = request.get('check')

        def reply(obj, payload=(0, ())):
            send(dict(obj, check=check), payload)
        try:
            if request['op'] == 'import':
                import importlib
                if module is not None or student_file is not None:
                    raise RuntimeError('one submission per runner')
                student_file = os.path.abspath(os.path.join(submission, request['module'] + '.py'))
                module = importlib.import_module(request['module'])
                ctx['solver_module'] = importlib.import_module(request['solver_module'])
                reply({'ok': True})
                continue
            inputs = {k: v.to(device) for k, v in load(payload).items()}
            procedures.seed(request['seed'])
            random.seed(request['seed'])
            outputs, meta = procedures.PROCEDURES[request['procedure']](module, inputs, request['params'], ctx)
            encoded = encode_outputs(outputs, meta)
        except procedures.ApiError as exc:
            reply({'ok': False, 'error': dict(describe(exc, student_file), api=True)})
        except BaseException as exc:          # SystemExit and KeyboardInterrupt from student code too
            reply({'ok': False, 'error': describe(exc, student_file)})
        else:
            reply({'ok': True}, encoded)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--submission', required=True)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cmd-fd', type=int, required=True)
    parser.add_argument('--reply-fd', type=int, required=True)
    parser.add_argument('--seccomp', action='store_true')
    parser.add_argument('--init', action='store_true', help='pid 1 of the sandbox: fork the runner, then reap')
    args = parser.parse_args()
    if args.init:
        import reaper
        reaper.become_init(args.seccomp)
    prepare()
    serve(os.fdopen(args.cmd_fd, 'rb'), os.fdopen(args.reply_fd, 'wb'), args.submission, args.device,
          args.seccomp)


if __name__ == '__main__':
    main()
