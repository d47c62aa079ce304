"""The web tier alone under a deadline rush: upload latency from one client, then from 20 at once.

    python bench/upload_latency.py [--web-workers N] [--clients 20] [--single 40] [--burst 160]
                                   [--database-url URL]

Starts a fresh Redis, the API (app.cli.serve's uvicorn processes) and the sweeper, no grading worker (load.py's
start_hosts with none: the grading messages wait in Redis and every core serves the web tier, as on an API host
of its own), enrols one student per upload, then times `--single` uploads sent one after the other and `--burst`
uploads from `--clients` concurrent clients (each a process with one kept-alive connection, like a student's
browser). Prints p50/p95 of each, the API's CPU per upload and the ratio of the two p95s; exit 1 on any refused
upload.
"""
import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402

from app.core.db import make_engine, make_sessionmaker  # noqa: E402
from load import SOURCE, enrol, free_port, percentile, sign_in, start_hosts, stop_hosts  # noqa: E402


def group_cpu_s(pgid):
    """CPU seconds used so far by the processes of a process group (the API's uvicorn processes)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            fields = open('/proc/%s/stat' % pid).read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:                     # fields after the name: state ppid pgrp ... utime stime
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf('SC_CLK_TCK')


def client(job):
    """One student's machine (a process of its own, one kept-alive connection): [(seconds, status)]."""
    base, pairs = job
    out = []
    with httpx.Client(base_url=base, timeout=120) as http:
        for i, headers in pairs:
            body = ('# upload %d\n' % i + SOURCE).encode()
            start = time.perf_counter()
            r = http.post('/api/v1/assignments/convnet/submissions', headers=headers,
                          files={'files': ('convolutional_networks.py', body)})
            out.append((time.perf_counter() - start, r.status_code))
    return out


def timed(base, headers, indexes, clients, pgid):
    """(latencies, refused, the API's CPU seconds per upload) of uploads sent by `clients` processes at once."""
    jobs = [(base, [(i, headers[i]) for i in indexes[k::clients]]) for k in range(clients)]
    cpu = group_cpu_s(pgid)
    with multiprocessing.get_context('fork').Pool(clients) as pool:
        results = [r for part in pool.map(client, jobs) for r in part]
    per_upload = (group_cpu_s(pgid) - cpu) / len(results)
    return [r[0] for r in results], [r for r in results if r[1] != 202], per_upload


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--web-workers', type=int, default=0, help='uvicorn processes (0: as app.cli.serve decides)')
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--single', type=int, default=40, help='uploads sent one after the other')
    parser.add_argument('--burst', type=int, default=160, help='uploads sent by --clients at once')
    parser.add_argument('--database-url', default='', help='default: a fresh SQLite file')
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix='bench-upload-')
    from app.cli.serve import processes
    from app.core.config import Settings
    url = args.database_url or 'sqlite:///%s/db.sqlite' % data
    web_workers = args.web_workers or processes(Settings(database_url=url))
    procs, base, url = start_hosts(data, free_port(), 0, url, web_workers)      # no grading worker
    enrol(make_sessionmaker(make_engine(url)), args.single + args.burst, False)
    try:
        with ThreadPoolExecutor(8) as pool:
            headers = list(pool.map(lambda i: sign_in(base, i), range(args.single + args.burst)))
        alone, refused, cpu_alone = timed(base, headers, list(range(args.single)), 1, procs[1].pid)
        rush, refused_rush, cpu_rush = timed(base, headers, list(range(args.single, args.single + args.burst)),
                                             args.clients, procs[1].pid)
        print('web workers %d, %s, %d cores' % (web_workers, url.split(':')[0], os.cpu_count()))
        for label, times, cpu in (('1 client ', alone, cpu_alone), ('%d clients' % args.clients, rush, cpu_rush)):
            print('%s  %3d uploads   p50 %.3f s   p95 %.3f s   API CPU %.1f ms per upload'
                  % (label, len(times), percentile(times, 50), percentile(times, 95), cpu * 1000))
        print('p95 ratio (%d clients / 1 client): %.2f' % (args.clients, percentile(rush, 95) / percentile(alone, 95)))
        print('refused %d' % (len(refused) + len(refused_rush)))
        return 1 if refused or refused_rush else 0
    finally:
        stop_hosts(procs)
        shutil.rmtree(data, ignore_errors=True)

if __name__ == '__main__':
    sys.exit(main())
