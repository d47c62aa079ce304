"""make run's worker command lines: which queues each worker takes, with and without CUDA."""
from app.cli.run import worker_commands
from app.core.config import Settings


def queues(commands):
    return [(c[c.index('-Q') + 1], c[c.index('--concurrency') + 1]) for c in commands]


def test_cpu_only_machine_runs_one_worker_per_core_on_the_cpu_queue():
    assert queues(worker_commands(Settings(worker_concurrency=4), cuda=False)) == [('cpu', '4')]


def test_gpu_routing_without_a_local_gpu_is_still_served_by_the_cpu_worker():
    assert queues(worker_commands(Settings(worker_concurrency=2, gpu_workers=True), cuda=False)) == [('cpu,gpu', '2')]


def test_a_machine_with_cuda_adds_a_single_gpu_worker():
    commands = worker_commands(Settings(worker_concurrency=2, gpu_workers=True), cuda=True)
    assert queues(commands) == [('cpu', '2'), ('gpu', '1')]
    assert [c[c.index('-n') + 1] for c in commands] == ['worker-cpu@%h', 'worker-gpu@%h']
