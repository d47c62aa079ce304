"""app.cli.serve: several uvicorn workers share a socket that uvicorn binds with protocol number 0; the
connections accepted on it must still send without Nagle's delay (a response in two writes otherwise waits
~40 ms for the client's delayed ACK)."""
import asyncio
import socket

import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from app.cli.serve import NoDelayH11


async def _nodelay_of_accepted(protocol_class):
    config = Config(app=lambda scope, receive, send: None, host='127.0.0.1', port=0, log_level='warning')
    config.load()
    sock = config.bind_socket()                       # exactly as uvicorn binds it for --workers
    seen = []

    def factory():
        protocol = protocol_class(config=config, server_state=ServerState(), app_state={})
        original = protocol.connection_made

        def made(transport):
            original(transport)
            seen.append(transport.get_extra_info('socket').getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        protocol.connection_made = made
        return protocol
    server = await asyncio.get_running_loop().create_server(factory, sock=sock)
    _, writer = await asyncio.open_connection(*sock.getsockname())
    for _ in range(200):
        if seen:
            break
        await asyncio.sleep(0.01)
    writer.close()
    server.close()
    return seen[0]


@pytest.mark.parametrize('protocol_class, expected', [(H11Protocol, 0), (NoDelayH11, 1)])
def test_connections_on_uvicorns_worker_socket_send_without_nagle_only_with_our_protocol(protocol_class, expected):
    assert bool(asyncio.run(_nodelay_of_accepted(protocol_class))) == bool(expected)


def test_one_web_process_on_sqlite_two_elsewhere_unless_set():
    from app.cli.serve import processes
    from app.core.config import Settings
    assert processes(Settings(database_url='sqlite:///x.sqlite')) == 1
    assert processes(Settings(database_url='postgresql+psycopg://u@h/db')) == 2
    assert processes(Settings(database_url='sqlite:///x.sqlite', web_workers=3)) == 3
