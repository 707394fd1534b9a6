"""oTree semantics on the same store as Dallinger's: study settings, sessions, rooms, vars.

Sans-IO and synchronous, like the rest of ``simlab.domain``.  The web layer
(``simlab.web.otree``) wraps each call in ``store.transaction()``; the scenario
runner may call :func:`create_session` in-process (``is_demo=True,
run_mock=True`` for bot sessions, as oTree runs ``mock_exogenous_data`` for them).
"""

from __future__ import annotations

from .rooms import (
    LabelMissing,
    LabelNotFound,
    RoomHasNoSession,
    SessionFull,
    current_session,
    initialize_participant,
    join_room,
    join_session,
    label_too_long,
    set_room_participant_vars,
    set_room_session_vars,
)
from .sessions import (
    MAX_PARTICIPANTS,
    Session,
    create_session,
    get_participant,
    get_session,
    session_detail,
    session_summary,
    sessions,
    set_participant_vars,
    set_session_vars,
)
from .apps import App, PageAt
from .study import NON_EDITABLE_FIELDS, Room, StudySettings

__all__ = [
    "MAX_PARTICIPANTS",
    "NON_EDITABLE_FIELDS",
    "App",
    "LabelMissing",
    "LabelNotFound",
    "PageAt",
    "Room",
    "RoomHasNoSession",
    "Session",
    "SessionFull",
    "StudySettings",
    "create_session",
    "current_session",
    "get_participant",
    "get_session",
    "initialize_participant",
    "join_room",
    "join_session",
    "label_too_long",
    "session_detail",
    "session_summary",
    "sessions",
    "set_participant_vars",
    "set_room_participant_vars",
    "set_room_session_vars",
    "set_session_vars",
]
