"""Dallinger's own ``dallinger2.js`` (with its jQuery, reqwest, store.js, Fingerprint2) against simlab.

``-m oracle``: the scripts are copied from the Dallinger 12.4.0 install of
``SIMLAB_DALLINGER_PYTHON`` into an experiment's ``static/`` folder (nothing is
downloaded), a page calls the client's API as experiment templates do, and headless
Chromium runs it against ``simlab serve``.  simlab's own client is checked by
tests/browser; this checks that a study's unchanged Dallinger front end works too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from bots.browser_participant import CHROMIUM, CHROMIUM_ARGS, chromium_available

EXPERIMENT = textwrap.dedent(
    """
    from simlab import Chain, Experiment


    class ClientChain(Experiment):
        experiment_repeats = 1
        public_properties = {"conformance": True}

        def create_network(self):
            return Chain()

        def add_node_to_network(self, node, network):
            network.add_node(node)
            parents = node.neighbors(direction="from")
            if parents:
                parents[0].transmit(to_whom=node)
    """
)
PASSWORD = "client-check-admin"
SCRIPTS = [
    "jquery-3.7.1.min.js", "reqwest.min.js", "store+json2.min.js", "spin.min.js",
    "fingerprintjs2/1.5.1/fingerprint2.min.js", "reconnecting-websocket.js", "dallinger2.js",
]
#: What the page does with Dallinger's client: the calls experiment templates make.
PAGE = """<!DOCTYPE html>
<html><head><title>client check</title>
{scripts}
</head><body>
<div id="spinner"></div>
<form id="questionnaire"><input name="engagement" value="4"><input name="difficulty" value="2">
<button type="button" id="submit-questionnaire">Submit</button></form>
<script>
var out = {{}};
function finish() {{ window.__result = out; }}
function step(name, deferred, next) {{
  deferred.done(function (resp) {{ out[name] = resp; next(resp); }})
          .fail(function (rejection) {{ out[name] = {{failed: rejection.status, html: !!rejection.html}}; next(null); }});
}}
dallinger.identity.initialize();
setTimeout(function () {{
  step("participant", dallinger.createParticipant().then(function () {{
    return $.Deferred().resolve({{id: dallinger.identity.participantId}});
  }}), function () {{
    step("agent", dallinger.createAgent(), function (agent) {{
      var node = agent.node.id;
      step("info", dallinger.createInfo(node, {{contents: "told by " + node, info_type: "Info"}}), function () {{
        step("infos", dallinger.getInfos(node), function () {{
          step("transmissions", dallinger.getTransmissions(node, {{status: "all"}}), function () {{
            step("received", dallinger.getReceivedInfos(node), function () {{
              step("property", dallinger.getExperimentProperty("conformance"), function () {{
                step("missing", dallinger.createInfo(999999, {{contents: "x"}}), finish);
              }});
            }});
          }});
        }});
      }});
    }});
  }});
}}, 300);
</script>
</body></html>
"""


def dallinger_scripts() -> Path:
    python = os.environ.get("SIMLAB_DALLINGER_PYTHON")
    if not python:
        pytest.fail("set SIMLAB_DALLINGER_PYTHON to a Python with dallinger==12.4.0 (the oracle's venv)")
    code = "import dallinger, os; print(os.path.dirname(dallinger.__file__))"
    folder = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd="/").stdout.strip()
    return Path(folder) / "frontend" / "static" / "scripts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_page(url: str, submit: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(url)
            page.wait_for_function("window.__result !== undefined", timeout=20_000)
            result = page.evaluate("window.__result")
            if submit:  # the end of a study: questionnaire, /worker_complete, then the exit page
                page.evaluate("dallinger.submitQuestionnaire('questionnaire')")
                page.wait_for_url("**/recruiter-exit?participant_id=*", timeout=20_000)
                result["exit_url"] = page.url
            result["page_errors"] = errors
            return result
        finally:
            browser.close()


def question_rows(base: str) -> list[dict]:
    """The question table, read from the admin export (the API has no question route)."""
    resp = httpx.get(f"{base}/export", auth=("admin", PASSWORD), timeout=10)
    resp.raise_for_status()
    with zipfile.ZipFile(io.BytesIO(resp.content)) as archive:
        rows = csv.DictReader(io.StringIO(archive.read("data/question.csv").decode("utf-8")))
        return [{"question": r["question"], "number": int(r["number"]), "response": json.loads(r["response"])}
                for r in rows]


@pytest.mark.oracle
@pytest.mark.skipif(chromium_available() is not None, reason=f"browser test: {chromium_available()}")
def test_dallingers_own_client_runs_against_simlab(tmp_path):
    source = dallinger_scripts()
    folder = tmp_path / "client_study"
    (folder / "templates").mkdir(parents=True)
    for name in SCRIPTS:
        target = folder / "static" / "scripts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target)
    tags = "\n".join(f'<script src="/static/scripts/{name}"></script>' for name in SCRIPTS)
    (folder / "templates" / "client_check.html").write_text(PAGE.format(scripts=tags), encoding="utf-8")
    (folder / "client_chain.py").write_text(EXPERIMENT, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "simlab", "serve", str(folder / "client_chain.py"), "--in-memory", "--port", str(port),
         "--log-level", "WARNING"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "OTREE_ADMIN_PASSWORD": PASSWORD},
    )
    try:
        for _ in range(100):
            try:
                if httpx.post(f"{base}/launch", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        first = run_page(f"{base}/client_check?hitId=H1&assignmentId=A1&workerId=W1&mode=debug&extra=x", submit=True)
        second = run_page(f"{base}/client_check?hitId=H1&assignmentId=A2&workerId=W2&mode=debug")
        participant = httpx.get(f"{base}/participant/1").json()["participant"]
        questions = question_rows(base)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    for result in (first, second):
        assert result["page_errors"] == [], result["page_errors"]
        assert result["info"]["info"]["contents"].startswith("told by ")
        assert len(result["infos"]["infos"]) == 1
        assert result["property"] == {"status": "success", "conformance": True}
        assert result["missing"] == {"failed": 400, "html": True}
    # entry information went through POST /participant (the client's default), as Dallinger stores it
    assert participant["entry_information"] == {"extra": "x"}
    assert participant["assignment_id"] == "A1"
    # submitQuestionnaire stored the form as the answer and completed the participant (HotAir: approved)
    assert first["exit_url"].endswith("/recruiter-exit?participant_id=1")
    assert participant["status"] == "approved"
    assert questions == [{"question": "questionnaire", "number": 1, "response": {"engagement": "4", "difficulty": "2"}}]
    # the second participant's node is the chain's second: getTransmissions receives the first one's info
    assert [t["status"] for t in second["transmissions"]["transmissions"]] == ["received"]
    assert [i["contents"] for i in second["received"]["infos"]] == [first["info"]["info"]["contents"]]
    assert first["received"]["infos"] == []
    print(json.dumps({"first": first["participant"], "second": second["participant"]}))
