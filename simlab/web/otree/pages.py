"""oTree's participant-facing links: rooms, session-wide links, start links, demo sessions.

These are never behind the REST key (oTree's auth guards the REST API and the
admin pages, not the links participants click).  Every way in follows oTree
6.0.15's redirects (*observed*): room and session-wide links 302 to
``/InitializeParticipant/<code>``, which records the label and 307s to the page
oTree would show.  In an oTree project that is oTree's own URL,
``/p/<code>/<app>/<Page>/<index>`` (a simlab page naming app and page: oTree's
pages are not run); with a simlab study file, which has no apps, it is the
experiment's page of the Dallinger flow (``/exp?participant_id=...``), so the
person is one participant row for both APIs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from quart import Blueprint, Response, request

from ...domain import otree
from ...domain.otree import StudySettings
from ...domain.otree.apps import page_at
from ...errors import InvalidRequest, InvalidState, NotFound, SimlabError
from ..admin import authorized, challenge
from ..html_page import HTML, html_page
from .wire import not_found_text, text

if TYPE_CHECKING:
    from ..runtime import Runtime

logger = logging.getLogger("simlab.web.otree")

#: How often the waiting page of a room without a session reloads itself (seconds).
WAIT_RELOAD_SECONDS = 5


page = html_page


def experiment_url(participant: Any) -> str:
    """Where a study file's participant goes once started: the Dallinger flow's experiment page."""
    query = urlencode(
        {
            "participant_id": participant.id,
            "hit_id": participant.hit_id,
            "assignment_id": participant.assignment_id,
            "worker_id": participant.worker_id,
            "mode": participant.mode,
            "participant_code": participant.code,
        }
    )
    return f"/exp?{query}"


def start_url(participant: Any) -> str:
    return f"/InitializeParticipant/{participant.code}"


def cookie_name(session_code: str) -> str:
    """oTree keeps the participant a browser was given per session (``session_<code>_participant``)."""
    return f"session_{session_code}_participant"


#: oTree's answer when everyone has been handed out (otree/views/participant.py).
SESSION_FULL = "Session is full."


def register(bp: Blueprint, rt: Runtime, study: StudySettings) -> None:
    exp = rt.exp
    store = rt.store

    def run(work: Callable[[], Any]) -> Any:
        """One domain call in a transaction; a refusal changes nothing."""
        with store.transaction():
            return work()

    def page_of(participant: Any) -> Any:
        """The page oTree would show a started participant (page 1: simlab runs no pages)."""
        session = store.session_by_code(participant.session_code)
        apps = study.apps_of(session.config) if session is not None else None
        return None if apps is None else (page_at(apps, 1), apps)

    def url_i_should_be_on(participant: Any) -> str:
        """oTree's ``participant._url_i_should_be_on()``."""
        if not participant.visited:
            return start_url(participant)
        found = page_of(participant)
        if found is None:
            return experiment_url(participant)
        page, _ = found
        return page.url(participant.code) if page is not None else f"/OutOfRangeNotification/{participant.code}"

    def to_start(participant: Any, session_code: str | None = None, cookie: str | None = None) -> Response:
        response = redirect(start_url(participant), 302)
        if session_code is not None and cookie is None:
            response.set_cookie(cookie_name(session_code), participant.code, httponly=True, samesite="Lax")
        return response

    @bp.route("/room/<room_name>", methods=["GET"])
    async def room(room_name: str) -> Any:
        definition = study.room(room_name)
        if definition is None:
            return text("Invalid room specified in url", 404)
        label = request.args.get("participant_label") or None
        if not request.args.get("welcome_page_ok"):
            # oTree's welcome page (200 whatever the label); its Start checks the label with a POST
            return page("Welcome", welcome_form(definition.labels is not None, label))
        session = otree.current_session(store, room_name)
        cookie = request.cookies.get(cookie_name(session.code)) if session is not None else None
        try:
            participant = run(lambda: otree.join_room(store, study, room_name, label, cookie))
        except otree.LabelMissing:
            return form_errors({"participant_label": "Please enter a participant label"})
        except otree.LabelNotFound:
            return form_errors({"participant_label": "This participant label was not found"})
        except otree.SessionFull:
            return text(SESSION_FULL, 404)
        if otree.label_too_long(label):
            return label_refused(label)
        if participant is None:
            return page(
                "Please wait",
                f"<h1>{escape(definition.display_name)}</h1>\n"
                "<p>Please wait. Waiting for your session to begin. This page reloads by itself.</p>",
                refresh=WAIT_RELOAD_SECONDS,
            )
        return to_start(participant, None if label else session.code, cookie)

    @bp.route("/room/<room_name>", methods=["POST"])
    async def check_room_visitor(room_name: str) -> Any:
        """The welcome page's check (oTree's ``AssignVisitorToRoom.post``): the query and JSON body together."""
        definition = study.room(room_name)
        if definition is None:
            return text("Invalid room specified in url", 404)
        try:
            sent = json.loads(await request.get_data(as_text=False) or b"null")
        except ValueError:
            return text("Invalid JSON data", 400)
        fields = {**request.args.to_dict(), **(sent if isinstance(sent, dict) else {})}
        errors = visitor_errors(definition, fields)
        return Response(json.dumps({"errors": errors} if errors else {"status": "ok"}), content_type="application/json")

    @bp.route("/join/<join_code>", methods=["GET"])
    async def join(join_code: str) -> Any:
        label = request.args.get("participant_label") or None
        session = store.session_by_join_code(join_code)
        use_cookie = session is not None and not label and not session.is_demo
        cookie = request.cookies.get(cookie_name(session.code)) if use_cookie else None
        try:
            participant = run(lambda: otree.join_session(store, join_code, label, cookie))
        except NotFound:
            # oTree's db.get_or_404 text (observed)
            return text(f"Not found (maybe the session was deleted): Session, {{'_anonymous_code': {join_code!r}}}", 404)
        except otree.SessionFull:
            return text(SESSION_FULL, 404)
        if otree.label_too_long(label):
            return label_refused(label)
        return to_start(participant, session.code if use_cookie else None, cookie)

    @bp.route("/InitializeParticipant/<code>", methods=["GET"])
    async def initialize_participant(code: str) -> Any:
        label = request.args.get("participant_label") or None
        try:
            participant = run(lambda: otree.initialize_participant(store, code, label))
        except NotFound as exc:
            return text(not_found_text(exc), 404)
        if otree.label_too_long(label):
            return label_refused(label)
        if page_of(participant) is None:
            return redirect(experiment_url(participant), 302)
        # Starlette's RedirectResponse default, as oTree answers it (observed)
        return redirect(url_i_should_be_on(participant), 307)

    # <page_index> is read as oTree's {page_index}: digits (a plain segment: the OpenAPI path stays readable)
    @bp.route("/p/<code>/<name_in_url>/<page_name>/<page_index>", methods=["GET", "POST"])
    async def participant_page(code: str, name_in_url: str, page_name: str, page_index: str) -> Any:
        if not (page_index.isascii() and page_index.isdigit()):
            return text("Not Found", 404)
        participant = store.participant_by_code(code)
        if participant is None:
            return text(
                "This user does not exist in the database. Maybe the database was reset.: "
                f"Participant, {{'code': {code!r}}}",
                404,
            )
        should = url_i_should_be_on(participant)
        if request.path != should:
            return redirect(should, 302)
        found = page_of(participant)
        assert found is not None  # url_i_should_be_on gave a /p/ URL
        at, _ = found
        return page(
            at.page,
            f"<h1>{escape(at.page)}</h1>\n"
            f'<p>oTree would show page <b data-page="{escape(at.page)}">{escape(at.page)}</b> of app '
            f'<b data-app="{escape(at.app.name)}">{escape(at.app.name)}</b>, round {at.round_number} '
            f"(page {at.index}), to participant <code>{escape(code)}</code>.</p>\n"
            "<p>simlab serves this oTree project's REST API, rooms and links; it does not run oTree's pages.</p>",
        )

    @bp.route("/OutOfRangeNotification/<code>", methods=["GET"])
    async def out_of_range(code: str) -> Any:
        if store.participant_by_code(code) is None:
            return text(not_found_text(NotFound("Participant", code)), 404)
        return page("End", "<p>No more pages left.</p>")

    @bp.route("/demo/<config_name>", methods=["GET"])
    async def demo(config_name: str) -> Any:
        # As in oTree: the demo page is open unless the auth level is STUDY, then admin only.
        if rt.settings.otree_auth_level == "STUDY" and not authorized(rt.settings.admin_password):
            return challenge()
        config = study.session_config(config_name)
        if config is None:
            return text(f'Session config "{config_name}" not found in settings.SESSION_CONFIGS.', 404)
        try:
            session = run(
                lambda: otree.create_session(
                    exp, study, config_name, config.get("num_demo_participants"), is_demo=True, run_mock=True
                )
            )
        except (InvalidRequest, InvalidState) as exc:
            return text(str(exc), 400)
        except SimlabError:
            logger.exception("demo session for %s failed", config_name)
            return text("Internal server error", 500)
        return redirect(f"/join/{session.join_code}", 302)

    @bp.route("/SessionStartLinks/<code>", methods=["GET"])
    async def session_start_links(code: str) -> Any:
        # Participant codes are admin data: behind the admin password at DEMO and STUDY, as in oTree.
        if rt.settings.otree_auth_level and not authorized(rt.settings.admin_password):
            return challenge()
        session = store.session_by_code(code)
        if session is None:
            return text(not_found_text(NotFound("Session", code)), 404)
        base = request.host_url.rstrip("/")
        wide = f"{base}/join/{session.join_code}"
        items = "\n".join(
            f'<li><a href="{escape(base + start_url(p))}">{escape(base + start_url(p))}</a>'
            f"{' (' + escape(p.label) + ')' if p.label else ''}</li>"
            for p in store.participants_of_session(code)
        )
        room_line = ""
        if session.room_name:
            room_url = f"{base}/room/{session.room_name}"
            room_line = f'<p>Room-wide link: <a href="{escape(room_url)}">{escape(room_url)}</a></p>\n'
        return page(
            f"Session {session.code}",
            f"<h1>Session {escape(session.code)}</h1>\n"
            f'<p>Session-wide link: <a href="{escape(wide)}">{escape(wide)}</a></p>\n{room_line}'
            f"<h2>Single-use links, one per participant</h2>\n<ol>\n{items}\n</ol>",
        )


def label_refused(label: str | None) -> Response:
    """oTree's 404 for a label over 100 characters; the participant stays started, as in oTree (observed)."""
    return text(f"participant_label is too long or malformed: {label}", 404)


def redirect(location: str, status: int) -> Response:
    """A redirect as oTree's Starlette sends it: no body, no content type."""
    response = Response(b"", status=status)
    response.headers["location"] = location
    del response.headers["content-type"]
    return response


def visitor_errors(definition: Any, fields: dict[str, Any]) -> dict[str, str]:
    """oTree's ``validate_room_visitor``: what is wrong with a visitor's label, by field."""
    if definition.labels is None:
        return {}
    label = fields.get("participant_label") or ""
    if not label:
        return {"participant_label": "Please enter a participant label"}
    if not definition.accepts(str(label)):
        return {"participant_label": "This participant label was not found"}
    return {}


#: The welcome page's Start, as oTree's RoomWelcomePage does it: POST the label, show the
#: error beside the field, or reload with ``welcome_page_ok=1``.
WELCOME_SCRIPT = """<script>
const params = new URLSearchParams(window.location.search);
document.querySelector("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  for (const [name, value] of new FormData(event.target).entries()) { if (value) params.set(name, value); }
  const answer = await (await fetch(window.location.pathname, {method: "POST",
    headers: {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"},
    body: JSON.stringify(Object.fromEntries(params.entries()))})).json();
  if (answer.status === "ok") {
    params.set("welcome_page_ok", "1");
    window.location.href = window.location.pathname + "?" + params.toString();
    return;
  }
  for (const [field, message] of Object.entries(answer.errors || {})) {
    const shown = document.querySelector(`[data-field-error="${field}"]`);
    if (shown) { shown.textContent = message; shown.hidden = false; }
  }
});
</script>"""


def welcome_form(has_labels: bool, label: str | None) -> str:
    """oTree's room welcome page: the label field (filled from the link) or a plain Start."""
    if has_labels:
        value = f' value="{escape(label)}"' if label else ""
        field = (
            '<p class="error" data-field-error="participant_label" hidden></p>\n'
            '<label for="participant_label">Participant label:</label>\n'
            f'<input id="participant_label" name="participant_label"{value}>\n'
        )
    else:
        field = "<p>Click the button to start.</p>\n"
    return (
        f'<h2>Welcome</h2>\n<form>\n{field}<input type="hidden" name="welcome_page_ok" value="1">\n'
        f'<button type="submit">Start</button>\n</form>\n{WELCOME_SCRIPT}'
    )


def form_errors(errors: dict[str, str]) -> Response:
    """oTree 6.0.15's answer to a refused room visitor (observed): the error dict in an HTML ``<pre>``."""
    return Response(f"<pre>{errors}</pre>", status=404, content_type=HTML)
