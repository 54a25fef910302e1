"""A real uvicorn server on 127.0.0.1 for the HTTP and browser tests.

It runs in its own process (in-process, the test's client and the server share one GIL and
every request waits out thread switches), on a socket the test binds to an OS-chosen port
and hands over, so there is no race for a free port.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx2 as httpx

_CODE = (
    "import socket, sys, uvicorn\n"
    "from copygen.server import create_app\n"
    "sock = socket.socket(fileno=int(sys.argv[1]))\n"
    "uvicorn.Server(uvicorn.Config(create_app(max_body=int(sys.argv[2])), log_level='warning')).run(sockets=[sock])\n"
)


@contextmanager
def live_server(max_body: int = 1_000_000):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    proc = subprocess.Popen([sys.executable, "-c", _CODE, str(sock.fileno()), str(max_body)],
                            pass_fds=[sock.fileno()], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/schema", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: {proc.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        sock.close()
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        assert "Traceback" not in err, err
