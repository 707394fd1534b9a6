"""How an experiment's own Dallinger bots scale under ``simlab scenario run FOLDER``.

1. Selenium bots (``BotBase``, headless Chromium): the same N recruitments run one
   browser at a time, then K at a time; prints wall times and the speed-up (ideal K).
2. HTTP bots (``HighPerformanceBotBase``): N bots recruited at once in one process,
   K threads at a time; prints wall time, requests and req/s.

    python benchmarks/experiment_bots.py --selenium 4 --browsers 1,2,4 --http 1000 --http-bots 64
"""

from __future__ import annotations

import argparse
import os
import tempfile
import textwrap
import time
from pathlib import Path

from simlab.runs.experiment_bots import BotRunOptions, run_experiment_bots

SELENIUM = '''
from dallinger.bots import BotBase
from dallinger.experiment import Experiment
from dallinger.networks import Empty


class Crowd(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = {n}

    def create_network(self):
        return Empty(max_size={n})


class Bot(BotBase):
    def participate(self):
        # the default experiment page has no task: go on to the questionnaire, as a page would
        url = self.driver.current_url
        self.driver.get(url.replace("/exp?", "/questionnaire?").replace("/experiment?", "/questionnaire?"))
        return True
'''

HTTP = '''
import requests

from dallinger.bots import HighPerformanceBotBase
from dallinger.experiment import Experiment
from dallinger.networks import Empty


class Crowd(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = {n}

    def create_network(self):
        return Empty(max_size={n})


class Bot(HighPerformanceBotBase):
    def participate(self):
        # as Dallinger's HTTP bots are written: requests, one call per request
        node = requests.post(f"{{self.host}}/node/{{self.participant_id}}").json()["node"]
        requests.post(f"{{self.host}}/info/{{node['id']}}", data={{"contents": "hello"}}).raise_for_status()
'''


def folder(root: Path, name: str, source: str) -> Path:
    path = root / name
    path.mkdir()
    (path / "experiment.py").write_text(textwrap.dedent(source))
    return path


def timed(path: Path, options: BotRunOptions) -> tuple[float, dict]:
    here = os.getcwd()
    t0 = time.perf_counter()
    try:
        report = run_experiment_bots(path, options)
    finally:
        os.chdir(here)
    seconds = time.perf_counter() - t0
    data = report.to_dict()
    if not report.passed:
        raise SystemExit(f"run failed: {[c for c in data['checks'] if not c['passed']]}")
    return seconds, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--selenium", type=int, default=4, help="Selenium bots per run (0: skip)")
    parser.add_argument("--browsers", default="1,2,4", help="browsers at once, comma separated (the first is the baseline)")
    parser.add_argument("--http", type=int, default=1000, help="HTTP bots (0: skip)")
    parser.add_argument("--http-bots", type=int, default=64, help="HTTP bots at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.selenium:
            path = folder(root, "selenium_crowd", SELENIUM.format(n=args.selenium))
            baseline = None
            for k in (int(x) for x in args.browsers.split(",")):
                seconds, _ = timed(path, BotRunOptions(browsers=k, timeout=900))
                baseline = baseline or seconds
                print(f"selenium: {args.selenium} bots, {k} at a time: {seconds:6.1f} s  speed-up {baseline / seconds:4.2f}x (ideal {k}x)")
        if args.http:
            path = folder(root, "http_crowd", HTTP.format(n=args.http))
            seconds, data = timed(path, BotRunOptions(http_bots=args.http_bots, timeout=1800))
            total = data["total"]["count"]
            print(
                f"http: {args.http} bots in one process, {args.http_bots} at a time: {seconds:.1f} s, "
                f"{total} requests ({total / seconds:.0f} req/s), p99 {data['total']['p99'] * 1000:.0f} ms, "
                f"{sum(b['outcome'] == 'finished' for b in data['recruited_bots'])} finished"
            )


if __name__ == "__main__":
    main()
