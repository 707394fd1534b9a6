"""The README's reverse-proxy example: Debian's nginx with TLS in front of ``simlab serve``.

Runs ``examples/deploy/nginx.conf`` itself (ports, certificate and log paths
substituted) with a self-signed certificate made here by openssl, then sends a
request and relays a ``/chat`` message through it.  Skipped, saying why, where
nginx or openssl is not installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trio

from .served import free_port, simlab_serve
from .wsclient import WsClient

CONFIG = Path(__file__).resolve().parents[2] / "examples" / "deploy" / "nginx.conf"

pytestmark = [
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed (apt-get install openssl)"),
]


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def wait_port(port: int, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nginx did not listen in time")


@pytest.fixture(name="proxied")
def _proxied(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    cert, key = self_signed(tmp_path)
    https, http = free_port(), free_port()
    with simlab_serve("--behind-proxy") as upstream:
        text = CONFIG.read_text()
        for old, new in {
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
            "listen 80;": f"listen 127.0.0.1:{http};",
            "server 127.0.0.1:5000;": f"server 127.0.0.1:{upstream};",
            "/etc/letsencrypt/live/study.example.org/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/study.example.org/privkey.pem": str(key),
            "/var/log/nginx/simlab.access.log": str(tmp_path / "access.log"),
        }.items():
            assert old in text, old
            text = text.replace(old, new)
        conf = tmp_path / "nginx.conf"
        conf.write_text(text)
        nginx = subprocess.Popen(
            ["nginx", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log"),
             "-g", f"daemon off; pid {tmp_path / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_port(https, nginx)
            yield https, cert
        finally:
            nginx.terminate()
            try:
                nginx.wait(timeout=20)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()


async def test_requests_and_the_chat_websocket_pass_through_nginx_with_tls(proxied: tuple[int, Path]) -> None:
    port, cert = proxied
    context = ssl.create_default_context(cafile=str(cert))
    async with httpx.AsyncClient(base_url=f"https://localhost:{port}", verify=context, timeout=20) as client:
        assert (await client.get("/health")).json() == {"status": "ok"}
        assert (await client.post("/launch")).status_code == 200
        created = await client.post("/participant/w1/h1/a1/debug")
        assert created.status_code == 200 and created.json()["participant"]["id"] == 1
    with trio.fail_after(20):
        listen_stream = await trio.open_ssl_over_tcp_stream("127.0.0.1", port, ssl_context=context, https_compatible=True)
        talk_stream = await trio.open_ssl_over_tcp_stream("127.0.0.1", port, ssl_context=context, https_compatible=True)
        async with listen_stream, talk_stream:
            listener = await WsClient.connect(listen_stream, f"127.0.0.1:{port}", "/chat?channel=room")
            talker = await WsClient.connect(talk_stream, f"127.0.0.1:{port}", "/chat?channel=other")
            message = None
            for _ in range(100):  # until the listener's subscription is registered upstream
                await talker.send("room:hello through nginx")
                with trio.move_on_after(0.2):
                    message = await listener.receive()
                if message is not None:
                    break
            assert message == "room:hello through nginx"
