"""bartlett1932's own Selenium bot, run by simlab against the REAL Dallinger 12.4.0 (``--url``).

Opt-in (``-m oracle``): start Dallinger with the demo as the whole experiment, e.g.
``EXP_SRC=../shared/dallinger-demos/bartlett1932 PORT=5071 ../shared/oracles/run_dallinger.sh start``,
then ``SIMLAB_DALLINGER_BARTLETT=http://127.0.0.1:5071 pytest -m oracle tests/experiment_bots``.
Checked by hand this session (04:04): 1 bot recruited, finished in 5.7 s, its participant
approved by Dallinger, and its retelling stored on the real server's node 2.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from simlab.runs.experiment_bots import BotRunOptions, run_experiment_bots

DEMOS = Path(__file__).resolve().parents[3] / "shared" / "dallinger-demos"
URL = os.environ.get("SIMLAB_DALLINGER_BARTLETT")

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(not URL, reason="needs a real Dallinger serving bartlett1932: set SIMLAB_DALLINGER_BARTLETT"),
]


def test_bartlett_bot_against_real_dallinger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # a freshly (re)started Dallinger answers its first page loads slowly (gunicorn workers warm up),
    # slower than BotBase's 10 s waits: warm every worker first
    for _ in range(12):
        httpx.get(f"{URL}/consent", params={"hit_id": "warm", "assignment_id": "warm", "worker_id": "warm"}, timeout=60)
    # a fresh seed gives fresh worker ids: Dallinger refuses a worker id it has seen (already_did_exp_hit)
    report = run_experiment_bots(DEMOS / "bartlett1932", BotRunOptions(url=URL, timeout=120, seed=time.time_ns() % 2**31))
    assert report.passed, report.to_dict()["checks"]
    (bot,) = report.to_dict()["recruited_bots"]
    participant = httpx.get(f"{URL}/participant/{bot['participant_id']}").json()["participant"]
    assert participant["status"] == "approved"
