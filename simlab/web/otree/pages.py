"""oTree's participant-facing links: rooms, session-wide links, start links, demo sessions.

These are never behind the REST key (oTree's auth guards the REST API and the
admin pages, not the links participants click).  Every way in ends at
``/InitializeParticipant/<code>``, which sends the participant into the
experiment's page the way Dallinger's flow does (``/exp?participant_id=...``),
so the person is one participant row for both APIs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from quart import Blueprint, Response, redirect, request

from ...domain import otree
from ...domain.otree import StudySettings
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


def label_form(title: str, label: str | None = None, *, error: str | None = None) -> str:
    """oTree's room welcome page: the label field (filled in when given), and its error when the label is unknown."""
    shown = f'<p class="error" data-field-error="participant_label">{escape(error)}</p>\n' if error else ""
    value = f' value="{escape(label)}"' if label else ""
    return (
        f"<h1>{escape(title)}</h1>\n<form method=\"get\">\n{shown}"
        f'<label for="participant_label">Participant label:</label>\n'
        f'<input id="participant_label" name="participant_label"{value} required>\n'
        '<button type="submit">Start</button>\n</form>'
    )


def experiment_url(participant: Any) -> str:
    """Where a participant goes once started: the Dallinger flow's experiment page."""
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


def register(bp: Blueprint, rt: Runtime, study: StudySettings) -> None:
    exp = rt.exp
    store = rt.store

    def run(work: Callable[[], Any]) -> Any:
        """One domain call in a transaction; a refusal changes nothing."""
        with store.transaction():
            return work()

    @bp.route("/room/<room_name>", methods=["GET"])
    @bp.route("/room/<room_name>/", methods=["GET"])
    async def room(room_name: str) -> Any:
        # oTree shows a welcome page and assigns on "&welcome_page_ok=1"; simlab assigns
        # on the first GET and ignores welcome_page_ok (the spec allows it).
        definition = study.room(room_name)
        if definition is None:
            return text("Invalid room specified in url", 404)
        label = request.args.get("participant_label") or None
        if label is None and definition.labels is not None:
            return page(definition.display_name, label_form(definition.display_name))
        try:
            participant = run(lambda: otree.join_room(store, study, room_name, label))
        except otree.LabelNotFound:
            message = "This participant label was not found"
            if request.args.get("welcome_page_ok"):
                # oTree 6.0.15 past its welcome page (views/participant.py): the form errors as a dict in a <pre>
                return Response(f"<pre>{ {'participant_label': message} }</pre>", status=404, content_type=HTML)
            # what a person sees in oTree: the welcome page, its label field showing the error
            return page(definition.display_name, label_form(definition.display_name, label, error=message), status=404)
        except otree.SessionFull:
            return text("Session is full: every participant of this session has already started.", 404)
        if participant is None:
            return page(
                definition.display_name,
                f"<h1>{escape(definition.display_name)}</h1>\n"
                "<p>Please wait: the session will begin soon. This page reloads by itself.</p>",
                refresh=WAIT_RELOAD_SECONDS,
            )
        return redirect(start_url(participant), 302)

    @bp.route("/join/<join_code>", methods=["GET"])
    @bp.route("/join/<join_code>/", methods=["GET"])
    async def join(join_code: str) -> Any:
        try:
            participant = run(lambda: otree.join_session(store, join_code))
        except NotFound:
            # oTree's db.get_or_404 text (observed)
            return text(f"Not found (maybe the session was deleted): Session, {{'_anonymous_code': {join_code!r}}}", 404)
        except otree.SessionFull:
            return text("Session is full: every participant of this session has already started.", 404)
        return redirect(start_url(participant), 302)

    @bp.route("/InitializeParticipant/<code>", methods=["GET"])
    @bp.route("/InitializeParticipant/<code>/", methods=["GET"])
    async def initialize_participant(code: str) -> Any:
        try:
            participant = run(lambda: otree.initialize_participant(store, code))
        except NotFound as exc:
            return text(not_found_text(exc), 404)
        return redirect(experiment_url(participant), 302)

    @bp.route("/demo/<config_name>", methods=["GET"])
    @bp.route("/demo/<config_name>/", methods=["GET"])
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
    @bp.route("/SessionStartLinks/<code>/", methods=["GET"])
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
