"""oTree's webhook routes and Dallinger's transmit against a bare ASGI app on the same stack.

Both servers run at once on loopback: ``simlab serve`` (the oTree project of
``tests/differential/otree_project`` with ``OTREE_AUTH_LEVEL=STUDY``, a session
in room ``econ101``; a FullyConnected network for transmit) and the bare ASGI
app of ``simlab.bench.bare_asgi`` (same hypercorn-trio serving).  For each route,
``wrk -t1 -c16`` loads simlab, then the bare app, in turn (A B A B ...); each
pair's ratio is printed, then the median ratio: of requests per second, and of
requests per CPU second of the server process (``/proc``), which holds when other
programs share the machine's cores.  Needs ``wrk`` (apt install wrk).

    python benchmarks/webhook_routes.py --pairs 3 --duration 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "tests" / "differential" / "otree_project"
KEY = "bench-key"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
TRANSMIT_EXPERIMENT = """
from simlab import Experiment, FullyConnected


class TransmitBench(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return FullyConnected(max_size=4)
"""
LUA = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "{content_type}"
wrk.headers["otree-rest-key"] = "{key}"
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], env: dict[str, str], ready: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{args} exited with {proc.returncode}")
        try:
            httpx.get(ready, timeout=0.5)
            return proc
        except httpx.TransportError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(pid: int, url: str, method: str, body: str, content_type: str, duration: float, connections: int) -> tuple[float, float]:
    """``(req/s, requests per CPU second of the server)``: the second holds on a machine others share."""
    before = cpu_seconds(pid)
    rate, count = wrk(url, method, body, content_type, duration, connections)
    return rate, count / max(cpu_seconds(pid) - before, 1e-9)


def wrk(url: str, method: str, body: str, content_type: str, duration: float, connections: int) -> tuple[float, int]:
    """Requests per second and requests wrk measured (non-2xx answers make the run fail)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(method=method, body=json.dumps(body), content_type=content_type, key=KEY))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "-s", script.name, url],
            capture_output=True, text=True, check=True, timeout=duration + 30,
        ).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"{method} {url}: non-2xx answers:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rate, int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=3, help="A/B pairs per route (default 3)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--routes", default="participant_vars,get_session,session_vars,transmit")
    opts = parser.parse_args()
    if shutil.which("wrk") is None:
        print("needs wrk (apt install wrk)", file=sys.stderr)
        return 2
    env = {"OTREE_AUTH_LEVEL": "STUDY", "OTREE_REST_KEY": KEY, "SIMLAB_GC_FREEZE_INTERVAL": "10"}
    simlab_port, bare_port = free_port(), free_port()
    simlab_url, bare_url = f"http://127.0.0.1:{simlab_port}", f"http://127.0.0.1:{bare_port}"
    procs = []
    wanted = opts.routes.split(",")
    with tempfile.TemporaryDirectory(prefix="simlab-webhook-bench-") as tmp:
        try:
            procs.append(start([sys.executable, "-m", "simlab", "serve", str(PROJECT), "--in-memory", "--port",
                                str(simlab_port), "--log-level", "WARNING"], env, simlab_url + "/api/otree_version"))
            procs.append(start([sys.executable, "-m", "simlab.bench.bare_asgi", str(bare_port)], {}, bare_url))
            servers = {name: simlab_url for name in wanted}
            pids = {simlab_url: procs[0].pid, bare_url: procs[1].pid}
            if "transmit" in wanted:  # Dallinger's transmit needs a network: a second simlab serve, idle until its turn
                experiment = Path(tmp) / "transmit_bench.py"
                experiment.write_text(TRANSMIT_EXPERIMENT, encoding="utf-8")
                dallinger_port = free_port()
                servers["transmit"] = f"http://127.0.0.1:{dallinger_port}"
                procs.append(start([sys.executable, "-m", "simlab", "serve", str(experiment), "--in-memory", "--port",
                                    str(dallinger_port), "--log-level", "WARNING"], env, servers["transmit"] + "/health"))
                pids[servers["transmit"]] = procs[-1].pid
            routes = setup(servers, wanted)
            print(f"wrk -t1 -c{opts.connections} -d{opts.duration:g}s, {opts.pairs} pairs per route (simlab / bare ASGI)")
            for name, (method, path, body, content_type) in routes.items():
                ratios, cpu_ratios = [], []
                for i in range(opts.pairs):
                    a, a_cpu = load(pids[servers[name]], servers[name] + path, method, body, content_type, opts.duration, opts.connections)
                    b, b_cpu = load(pids[bare_url], bare_url + path, method, body, content_type, opts.duration, opts.connections)
                    ratios.append(a / b)
                    cpu_ratios.append(a_cpu / b_cpu)
                    print(f"  {name:<17} pair {i + 1}: simlab {a:8.1f} req/s ({a_cpu:6.0f}/CPU s)  "
                          f"bare {b:8.1f} req/s ({b_cpu:6.0f}/CPU s)  ratio {a / b:.2f} (per CPU s {a_cpu / b_cpu:.2f})")
                print(f"{name:<19} median ratio {statistics.median(ratios):.2f}, per CPU second {statistics.median(cpu_ratios):.2f}")
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)
    return 0


def setup(servers: dict[str, str], wanted: list[str]) -> dict[str, tuple[str, str, str, str]]:
    """A session in room econ101 with alice arrived (and two nodes with an info for transmit); each route's request."""
    routes: dict[str, tuple[str, str, str, str]] = {}
    with httpx.Client(base_url=servers.get("get_session", next(iter(servers.values()))), headers={"otree-rest-key": KEY}) as client:
        code = client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 5,
                                                  "room_name": "econ101"}).json()["code"]
        arrived = client.get("/room/econ101", params={"participant_label": "alice", "welcome_page_ok": "1"})
        assert arrived.status_code == 302, arrived.text
        routes["participant_vars"] = ("POST", "/api/participant_vars", json.dumps(
            {"room_name": "econ101", "participant_label": "alice", "vars": {"age": 31, "treatment": "social"}}), JSON)
        routes["get_session"] = ("POST", f"/api/get_session/{code}", json.dumps({"participant_vars": ["age"]}), JSON)
        routes["session_vars"] = ("POST", "/api/session_vars", json.dumps({"room_name": "econ101", "vars": {"phase": "main"}}), JSON)
    if "transmit" in wanted:
        with httpx.Client(base_url=servers["transmit"]) as client:
            client.post("/launch").raise_for_status()
            nodes = []
            for i in range(2):
                pid = client.post(f"/participant/w{i}/h{i}/a{i}/debug").json()["participant"]["id"]
                nodes.append(client.post(f"/node/{pid}").json()["node"]["id"])
            info = client.post(f"/info/{nodes[0]}", data={"contents": "x"}).json()["info"]["id"]
            routes["transmit"] = ("POST", f"/node/{nodes[0]}/transmit", f"what={info}&to_whom={nodes[1]}", FORM)
    return {k: v for k, v in routes.items() if k in wanted}


if __name__ == "__main__":
    sys.exit(main())
