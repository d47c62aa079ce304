"""The API and pages: `python -m app.cli.serve [--host H] [--port P]` runs uvicorn with AG_WEB_WORKERS processes.

Each process keeps no state of its own (uploads go to app.core.storage, sessions are tokens in SQL, the
pseudonym key is in SQL), so any number of them, on any number of hosts, serve the same service."""
import argparse
import socket

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.core.config import get_settings


class NoDelayH11(H11Protocol):
    """uvicorn's HTTP protocol with Nagle's algorithm off on every connection. With several workers uvicorn binds
    the socket itself with protocol number 0, so asyncio does not turn Nagle off on the connections it accepts,
    and a response written in two parts waits for the client's delayed ACK: ~40 ms more per request."""

    def connection_made(self, transport):
        sock = transport.get_extra_info('socket')
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def processes(settings):
    """AG_WEB_WORKERS, else 2 on PostgreSQL and 1 on SQLite: SQLite lets one writer in at a time and a second
    process's writers poll it with sleeps of up to 100 ms (upload p95 at 20 clients ~1 s with two processes,
    0.33 s with one, whose writers queue on app.core.db's lock)."""
    if settings.web_workers > 0:
        return settings.web_workers
    return 1 if settings.database_url.startswith('sqlite') else 2


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m app.cli.serve')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8000)
    args = parser.parse_args(argv)
    workers = processes(get_settings())
    uvicorn.run('app.main:app_from_env', factory=True, host=args.host, port=args.port, workers=workers,
                http=NoDelayH11, log_level='info')


if __name__ == '__main__':
    main()
