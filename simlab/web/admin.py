"""Admin access: export, the summary dashboard, and Dallinger's ``protected_routes``.

Protected by HTTP Basic auth as oTree's admin: user ``admin`` and the admin
password (``OTREE_ADMIN_PASSWORD``), both compared in constant time.  Without a password set, the admin
pages refuse everyone (401), as Dallinger's dashboard does when not logged in.
"""

from __future__ import annotations

import base64
import hmac
from html import escape
from typing import TYPE_CHECKING, Any

import trio
from quart import Blueprint, Response, request

from ..domain import operations as ops
from ..persistence.export import export_zip_bytes, snapshot
from .html_page import html_page

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from .runtime import Runtime

REALM = 'Basic realm="simlab admin", charset="UTF-8"'


#: The admin's user name, as in oTree (its admin login is ``admin`` + ``OTREE_ADMIN_PASSWORD``).
ADMIN_USER = "admin"


def authorized(password: str | None) -> bool:
    """Whether the request carries Basic credentials for user ``admin`` with the admin password."""
    if not password:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, given = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    # both compared, always, in constant time: the answer's timing tells neither which was wrong
    password_ok = hmac.compare_digest(given.encode(), password.encode())
    return hmac.compare_digest(user.encode(), ADMIN_USER.encode()) and password_ok


def challenge() -> Response:
    return Response(
        "Unauthorized: log in as user 'admin' with the admin password (OTREE_ADMIN_PASSWORD)",
        status=401,
        headers={"WWW-Authenticate": REALM},
        content_type="text/plain; charset=utf-8",
    )


def admin_blueprint(rt: Runtime) -> Blueprint:
    bp = Blueprint("admin", "simlab.web.admin")
    password = rt.settings.admin_password

    @bp.route("/export", methods=["GET"])
    async def export() -> Any:
        if not authorized(password):
            return challenge()
        tables = snapshot(rt.store)
        data = await trio.to_thread.run_sync(export_zip_bytes, tables)
        return Response(
            data,
            content_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="simlab-data.zip"'},
        )

    @bp.route("/dashboard", methods=["GET", "POST"])
    @bp.route("/dashboard/<path:rest>", methods=["GET", "POST"])
    async def dashboard(rest: str = "") -> Any:
        if not authorized(password):
            return challenge()
        state = ops.summary(rt.exp)
        rows = "".join(f"<tr><td>{escape(str(s))}</td><td>{n}</td></tr>" for s, n in state["summary"])
        nets = "".join(
            f"<tr><td>{n.id}</td><td>{escape(n.type)}</td><td>{escape(str(n.role))}</td>"
            f"<td>{rt.store.network_index(n.id).alive}/{n.max_size}</td><td>{'yes' if n.full else 'no'}</td></tr>"
            for n in rt.exp.networks()
        )
        body = (
            f"<h1>{escape(type(rt.exp).__name__)}</h1>"
            f"<p>completed: {state['completed']}; unfilled networks: {state['unfilled_networks']}; "
            f"nodes remaining: {state['nodes_remaining']}</p>"
            f"<h2>Participants</h2><table><tr><th>status</th><th>count</th></tr>{rows}</table>"
            f"<h2>Networks</h2><table><tr><th>id</th><th>type</th><th>role</th><th>live nodes</th><th>full</th></tr>{nets}</table>"
            "<p><a href=\"/export\">Download the data (zip)</a></p>"
        )
        return html_page("simlab dashboard", body)

    return bp


def protect_routes(app: QuartTrio, rt: Runtime) -> None:
    """Refuse Dallinger's ``protected_routes`` (URL rules) to anyone but the admin."""
    protected = set(rt.exp.config.get("protected_routes") or [])
    if not protected:
        return
    password = rt.settings.admin_password

    @app.before_request
    async def check_protected() -> Any:
        rule = request.url_rule.rule if request.url_rule is not None else None
        if rule in protected and not authorized(password):
            return challenge()
        return None
