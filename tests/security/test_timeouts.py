"""Every phase of a request has a timeout; ``Connection: close`` is honoured (issue 21, case 2).

Real sockets against a real ``simlab serve``, with the timeouts set to half a
second: each test asserts that the connection *is* closed within a generous
bound (20 s), never that it took less than some short time.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from simlab import Settings
from simlab.server.serving import hypercorn_config

from .served import read_all, simlab_serve

BOUND = 20.0


@pytest.fixture(scope="module", name="port")
def _port() -> Iterator[int]:
    with simlab_serve("--body-timeout", "0.5", "--keep-alive-timeout", "0.5", "--read-timeout", "60") as port:
        yield port


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def test_a_body_that_never_arrives_gets_408_and_the_connection_closed(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"POST /info/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1000\r\n\r\n")
        answer = read_all(sock, BOUND)  # returns only once the server closed the connection
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"connection: close" in answer.lower()


def test_a_trickled_body_is_cut_at_the_body_deadline(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"POST /info/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1000\r\n\r\n")
        sock.settimeout(0.2)
        began = time.monotonic()
        answer = b""
        for _ in range(int(BOUND / 0.2)):  # one byte every 0.2 s never lets the connection go silent
            try:
                sock.sendall(b"c")
                answer += sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if answer.endswith(b"\n") and b"408" in answer:
                break
        assert time.monotonic() - began < BOUND + 5
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]


def test_a_body_within_the_deadline_is_served(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"POST /participant/w/h/a/debug HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        answer = read_all(sock, BOUND)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def test_connection_close_is_honoured() -> None:
    with simlab_serve() as port:  # default timeouts: only Connection: close can end these within the bound
        for path in (b"/health", b"/summary", b"/participant/c/h/a/debug"):  # the fast path and Quart routes
            method = b"POST " if path.startswith(b"/participant") else b"GET "
            with connect(port) as sock:
                sock.sendall(method + path + b" HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                answer = read_all(sock, BOUND)
            assert answer.startswith(b"HTTP/1.1 200") and answer.count(b"HTTP/1.1") == 1, answer[:200]


def test_idle_keep_alive_and_incomplete_headers_are_closed(port: int) -> None:
    with connect(port) as idle, connect(port) as partial:
        idle.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        partial.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\n")  # headers never completed
        assert read_all(idle, BOUND).startswith(b"HTTP/1.1 200")  # then closed while idle
        assert read_all(partial, BOUND) == b""


def test_defaults_bound_every_phase() -> None:
    config = hypercorn_config(Settings())
    assert config.keep_alive_timeout == 75 and config.read_timeout == 120
    assert config.websocket_ping_interval == 40 and config.websocket_max_message_size == 1 << 20
    assert config.h11_max_incomplete_size == 16 * 1024 and config.max_app_queue_size == 10
    assert config.h2_max_concurrent_streams == 16
