"""Serve a scenario's experiment over HTTP, for the shards of a distributed run.

``python -m simlab.runs.serve_scenario SCENARIO --seed S`` builds exactly the app an
in-process run builds (:func:`~simlab.runs.inprocess.build_scenario_server`: the experiment,
whether a class defined in the scenario file or an experiment file; the scenario's
server settings, Dallinger config, oTree study and bot sessions; the server seed
derived from the run seed) and serves it in memory with hypercorn on trio, as
``simlab serve --in-memory`` does.  ``simlab serve FILE`` could not: it finds an
Experiment subclass in a file, but not a scenario's settings, study or sessions,
nor the ``bots/`` package a scenario file imports.

It prints ``simlab: serving on URL`` once it listens; :class:`ServedScenario` (the
coordinator's side) starts it on a free loopback port in its own session (so a
Ctrl-C in the terminal reaches the coordinator, which still reads the final state),
reads that line, and stops it at the end.
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

READY = "simlab: serving on "


def main(argv: list[str] | None = None) -> int:
    """Load the scenario, build its app and serve it until terminated."""
    parser = argparse.ArgumentParser(prog="python -m simlab.runs.serve_scenario")
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--seed", type=int, default=None, help="run seed (default: the scenario's)")
    parser.add_argument("--participants", type=int, default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args(argv)

    import logging
    from functools import partial

    import trio

    from ..engine.loader import load_scenario
    from ..server import free_port, serve
    from .inprocess import build_scenario_server, server_settings

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scenario = load_scenario(args.scenario)
    if args.participants is not None:
        scenario = scenario.with_participants(args.participants)
    seed = scenario.seed if args.seed is None else args.seed
    settings = server_settings(scenario, seed).with_values(host=args.host, port=args.port or free_port(args.host))
    server = build_scenario_server(scenario, seed, args.scenario.resolve().parent, settings=settings)

    async def run() -> None:
        async with trio.open_nursery() as nursery:
            await nursery.start(partial(serve, server))
            print(f"{READY}{settings.base_url}", flush=True)

    try:
        trio.run(run)
    except KeyboardInterrupt:
        pass
    return 0


class ServedScenario:
    """Runs :func:`main` in a child process for the life of a ``with`` block; ``url`` is its address.

    Args:
        scenario_path: the scenario file.
        seed: the run seed.
        participants: ``--participants`` (the scenario's oTree sessions may depend on it).
        timeout: seconds to wait for the server to listen.
    """

    def __init__(self, scenario_path: Path, seed: int, participants: int | None = None, timeout: float = 60.0) -> None:
        self.cmd = [sys.executable, "-m", "simlab.runs.serve_scenario", str(scenario_path), "--seed", str(seed)]
        if participants is not None:
            self.cmd += ["--participants", str(participants)]
        self.timeout = timeout
        self.url = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()

    def __enter__(self) -> ServedScenario:
        self._proc = subprocess.Popen(
            self.cmd, stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.DEVNULL, start_new_session=True
        )
        try:
            self.url = self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        deadline = time.monotonic() + self.timeout
        buf = b""
        with selectors.DefaultSelector() as sel:
            sel.register(self._proc.stdout, selectors.EVENT_READ)
            while b"\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0 or self._proc.poll() is not None:
                    break
                if sel.select(timeout=min(left, 0.5)):
                    chunk = os.read(self._proc.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    buf += chunk
        line = buf.decode(errors="replace").splitlines()[0] if b"\n" in buf else ""
        if not line.startswith(READY):
            raise RuntimeError(f"the scenario's server did not start ({' '.join(self.cmd)}):\n{self.log()}")
        return line[len(READY):].strip()

    def log(self) -> str:
        """The server's stderr so far (last 3000 characters)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-3000:]

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 5 s)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
        self._log.close()


if __name__ == "__main__":
    sys.exit(main())
