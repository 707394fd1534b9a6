"""Acknowledged writes survive SIGKILL: the server answers only after its write is committed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import trio

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "conformance.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(EXAMPLE), "--port", str(port), "--data-dir", str(data_dir),
         "--log-level", "WARNING"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_ready(client: httpx.AsyncClient) -> None:
    with trio.fail_after(30):
        while True:
            try:
                if (await client.get("/summary")).status_code == 200:
                    return
            except httpx.TransportError:
                await trio.sleep(0.05)


async def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port)
    acknowledged: dict[str, list[tuple[int, str]]] = {"participant": [], "node": [], "info": []}
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            await wait_ready(client)
            assert (await client.post("/launch")).status_code == 200

            async def writer(k: int) -> None:
                for i in range(1000):
                    try:
                        r = await client.post(f"/participant/w{k}-{i}/h/a{k}-{i}/debug")
                        pid = r.json()["participant"]["id"]
                        acknowledged["participant"].append((pid, f"w{k}-{i}"))
                        r = await client.post(f"/node/{pid}")
                        node = r.json()["node"]["id"]
                        acknowledged["node"].append((node, str(pid)))
                        r = await client.post(f"/info/{node}", data={"contents": f"c{k}-{i}"})
                        acknowledged["info"].append((r.json()["info"]["id"], f"c{k}-{i}"))
                    except (httpx.TransportError, ValueError, KeyError):
                        return

            async with trio.open_nursery() as nursery:
                for k in range(8):
                    nursery.start_soon(writer, k)
                with trio.fail_after(60):
                    while len(acknowledged["info"]) < 60:
                        await trio.sleep(0.01)
                server.send_signal(signal.SIGKILL)
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
    assert len(acknowledged["info"]) >= 60

    server = start_server(tmp_path, port)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            await wait_ready(client)
            for pid, worker in acknowledged["participant"]:
                r = await client.get(f"/participant/{pid}")
                assert r.status_code == 200, (pid, r.text[:200])
            for node, pid in acknowledged["node"]:
                r = await client.get(f"/node/{node}/infos")
                assert r.status_code == 200, node
            infos = {}
            for node, _pid in acknowledged["node"]:
                for info in (await client.get(f"/node/{node}/infos")).json()["infos"]:
                    infos[info["id"]] = info["contents"]
            for info, contents in acknowledged["info"]:
                assert infos.get(info) == contents
            # ids continue after the highest one ever handed out, never reused
            top = max(pid for pid, _ in acknowledged["participant"])
            r = await client.post("/participant/fresh/h/fresh/debug")
            assert r.json()["participant"]["id"] > top
            r = await client.post(f"/node/{r.json()['participant']['id']}")
            assert r.json()["node"]["id"] > max(n for n, _ in acknowledged["node"])
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
