"""The benchmarks' one timer: the median wall time of repeated runs."""
import statistics
import time


def median_time(fn, repeat, setup=None, warmup=False):
    """(median seconds of fn() over `repeat` runs, fn's last result); setup() runs untimed before each."""
    if warmup:
        fn()
    times, result = [], None
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def interleaved_medians(runs, repeat):
    """{name: median seconds} of runs = {name: (fn, setup or None)}, taking turns: round r times every fn once,
    so that a slow spell of a shared machine touches all of them alike."""
    times = {name: [] for name in runs}
    for _ in range(repeat):
        for name, (fn, setup) in runs.items():
            if setup:
                setup()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}
