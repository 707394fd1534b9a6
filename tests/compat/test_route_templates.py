"""A template an experiment route renders gets the context of Dallinger's own pages.

Dallinger's experiment routes live on its single Flask app, so ``render_template`` in
one (sheep_market's ``/gallery``) sees ``get_from_config``, ``experiment``, ``env`` and
Dallinger's endpoint names in ``url_for``, and may extend ``base/layout.html``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import httpx

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source

EXPERIMENT = '''
from flask import render_template

from dallinger.experiment import Experiment, experiment_route


class Gallery(Experiment):
    @experiment_route("/gallery")
    @classmethod
    def gallery(cls):
        return render_template("gallery.html")
'''

GALLERY = '''
{% extends "base/layout.html" %}
{% block body %}
<p id="mode">{{ get_from_config("mode") }}</p>
<p id="class">{{ experiment.__class__.__name__ }}</p>
<a id="consent" href="{{ url_for('consent') }}">consent</a>
{% endblock %}
'''


async def test_a_route_template_gets_the_page_context(tmp_path: Path) -> None:
    folder = tmp_path / "gallery"
    (folder / "templates").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "experiment.py").write_text(textwrap.dedent(EXPERIMENT))
    (folder / "templates" / "gallery.html").write_text(GALLERY)
    server = build_server(load_source(folder), Settings(seed=1))
    app = server.app
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        resp = await client.get("/gallery")
        assert resp.status_code == 200, resp.text
        assert '<p id="mode">debug</p>' in resp.text
        assert '<p id="class">Gallery</p>' in resp.text
        assert 'href="/consent"' in resp.text
        assert "/static/scripts/dallinger2.js" in resp.text  # base/layout.html's libraries
