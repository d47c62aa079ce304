"""A small HTTP server on 127.0.0.1 for tests that need a real remote party (an LMS's key set, say)."""
import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextlib.contextmanager
def http_server(bodies, delays=None):
    """Base URL of a threaded server answering GET `path` with bodies[path] (200, JSON) after delays[path] seconds,
    404 for any other path; stopped on exit."""
    delays = delays or {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(delays.get(self.path, 0))
            found = self.path in bodies
            self.send_response(200 if found else 404)
            self.send_header('Content-Type', 'application/json')
            self.end_headers()
            try:
                self.wfile.write(bodies.get(self.path, b'{}'))
            except (BrokenPipeError, ConnectionResetError):    # the client gave up (timeout, size limit)
                pass

        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield 'http://127.0.0.1:%d' % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
