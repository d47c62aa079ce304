"""The API and pages: `python -m app.cli.serve [--host H] [--port P]` runs uvicorn with AG_WEB_WORKERS processes.

Each process keeps no state of its own (uploads go to app.core.storage, sessions are signed tokens in SQL), so
any number of them, on any number of hosts, serve the same service."""
import argparse

import uvicorn

from app.core.config import get_settings


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m app.cli.serve')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8000)
    args = parser.parse_args(argv)
    workers = max(1, get_settings().web_workers)
    uvicorn.run('app.main:app_from_env', factory=True, host=args.host, port=args.port, workers=workers,
                log_level='info')


if __name__ == '__main__':
    main()
