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
