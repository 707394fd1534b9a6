"""The live report page (``simlab scenario run ... --web``) shows a run advancing, in Chromium.

The run is a subprocess.  Its bots sign up, then hold at a gate (a file the test
creates): the test waits for the page to show every bot's sign-up (an explicit
state, not a sleep), screenshots it, opens the gate, and waits for the page to show
the finished run.  The numbers read at the two points must differ as the run did.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simlab.bots.browser_participant import CHROMIUM, chromium_available

BOTS = 4
SCENARIO = textwrap.dedent(
    f'''
    """Bots that sign up, hold at a gate, then take a node each and finish."""
    import os
    from pathlib import Path

    import trio

    from simlab import Chain, Experiment
    from simlab.engine import Population, Scenario, flow_bot

    GATE = Path(os.environ["LIVE_GATE"])


    class Line(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain(max_size=100)


    async def held(bot):
        me = await bot.dallinger.create_participant(f"W{{bot.id}}", "H", f"A{{bot.id}}")
        while not GATE.exists():  # the test's explicit signal: it opens the gate when it has looked
            await trio.sleep(0.02)
        await bot.dallinger.create_node(me["id"])
        await bot.dallinger.worker_complete(me["id"])


    scenario = Scenario(
        name="live_gate",
        experiment=Line,
        populations=[Population(flow_bot(held), count={BOTS}, rate=1000.0)],
    )
    '''
)


@pytest.fixture(name="run")
def _run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    (tmp_path / "live_gate.py").write_text(SCENARIO)
    gate = tmp_path / "gate"
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "scenario", "run", str(tmp_path / "live_gate.py"), "--web", "--quiet",
         "--report", str(tmp_path / "report")],
        env={**__import__("os").environ, "LIVE_GATE": str(gate)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # the readiness signal: the page's URL, printed before the run starts
        match = re.match(r"live page: (http://127\.0\.0\.1:\d+/)", line)
        assert match, f"no live page URL, got {line!r}"
        yield proc, match.group(1), gate
    finally:
        gate.touch()
        try:
            proc.wait(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()


def test_state_json_and_assets(run: tuple[subprocess.Popen[str], str, Path]) -> None:
    proc, url, gate = run
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200 and "/static/chart.umd.min.js" in page.text
    assert httpx.get(url + "static/chart.umd.min.js", timeout=10).text.startswith("/*!\n * Chart.js")
    assert httpx.get(url + "static/nope.js", timeout=10).status_code == 404
    state = httpx.get(url + "state.json", timeout=10).json()
    assert state["scenario"] == "live_gate" and state["phase"] in ("starting", "running")
    gate.touch()
    assert proc.wait(timeout=180) == 0


@pytest.mark.skipif(chromium_available() is not None, reason=f"browser test: {chromium_available()}")
def test_page_shows_the_run_advancing(run: tuple[subprocess.Popen[str], str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    proc, url, gate = run
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1400})
            page.goto(url)
            # point 1: every bot signed up and is held at the gate (one request each, none finished)
            page.wait_for_function(
                f"document.getElementById('requests').textContent === '{BOTS}' && "
                f"document.getElementById('bots-active').textContent === '{BOTS}'",
                timeout=180_000,
            )
            page.screenshot(path=str(tmp_path / "live-held.png"), full_page=True)
            held = {key: page.inner_text(f"#{key}") for key in ("requests", "bots-active", "bots-finished")}
            assert held == {"requests": str(BOTS), "bots-active": str(BOTS), "bots-finished": "0"}
            assert page.inner_text("#phase") == "running"
            assert "POST /participant" in page.inner_text("#routes")
            assert page.evaluate("Chart.getChart('latency').data.labels.length") >= 1
            gate.touch()
            # point 2: the run went on (nodes, completions) and ended
            page.wait_for_function("document.body.dataset.phase === 'finished'", timeout=180_000)
            page.wait_for_function("document.querySelectorAll('#networks figure').length >= 1", timeout=180_000)
            page.screenshot(path=str(tmp_path / "live-finished.png"), full_page=True)
            done = {key: page.inner_text(f"#{key}") for key in ("requests", "bots-active", "bots-finished")}
            assert int(done["requests"]) == 3 * BOTS, done
            assert done["bots-active"] == "0" and done["bots-finished"] == str(BOTS)
            assert page.inner_text("#verdict") == "PASSED"
            circles = page.evaluate("document.querySelector('#networks figure svg').querySelectorAll('circle').length")
            assert circles == BOTS  # the chain drawn with every node the run added after the gate
        finally:
            browser.close()
    assert proc.wait(timeout=180) == 0
    assert (tmp_path / "report" / "report.html").is_file()
