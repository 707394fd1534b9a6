"""Rooms and the ways a participant enters a session.

A room's lasting state (its current session, the vars posted for labels that
have not arrived yet) is a ``RoomRow``, made the first time it is written; its
definition (labels, display name) comes from the study settings.  Entering
assigns a participant row of the session: through a room by label, through the
session-wide link, or directly by participant code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InvalidState, NotFound
from ...store import RoomRow
from .sessions import get_participant, merge_vars
from .study import Room, StudySettings


class RoomState(RoomRow):
    """A room row made by simlab (rows loaded from storage may be plain ``RoomRow``)."""

    __slots__ = ()

    def __init__(self, **columns: Any) -> None:
        self._init_columns(columns)


class LabelNotFound(NotFound):
    """The label is not in the room's participant label file."""

    def __init__(self, room: str, label: str | None) -> None:
        super().__init__("Participant label", label)
        self.args = (f"participant label {label!r} is not in the label file of room {room}",)


class RoomHasNoSession(NotFound):
    """The room exists but no session has been created in it."""

    def __init__(self, room: str) -> None:
        super().__init__("Room", room)
        self.args = (f"Room {room} has no session",)


class SessionFull(InvalidState):
    """Every participant of the session has already been handed out."""


def room_definition(study: StudySettings, name: str) -> Room:
    room = study.room(name)
    if room is None:
        raise NotFound("Room", name)
    return room


def room_state(store: Any, name: str) -> Any:
    """The room's row, added on first use (only write paths call this)."""
    row = store.room(name)
    if row is None:
        row = store.add(RoomState(name=name, session_code=None, pending_vars={}))
    return row


def current_session(store: Any, room_name: str) -> Any:
    """The room's current session, or None."""
    row = store.room(room_name)
    if row is None or row.session_code is None:
        return None
    return store.session_by_code(row.session_code)


def session_with_label(store: Any, session: Any, label: str) -> Any:
    """The participant of ``session`` holding ``label``, or None (O(session size))."""
    for participant in store.participants_of_session(session.code):
        if participant.label == label:
            return participant
    return None


def set_room_session_vars(store: Any, study: StudySettings, room_name: str, vars: Mapping[str, Any]) -> None:
    """oTree 3.0's ``POST /api/session_vars``: merge into the room's current session."""
    room_definition(study, room_name)
    session = current_session(store, room_name)
    if session is None:
        raise RoomHasNoSession(room_name)
    merge_vars(session, vars)


def set_room_participant_vars(
    store: Any, study: StudySettings, room_name: str, label: str, vars: Mapping[str, Any]
) -> None:
    """Merge into the label's participant if it has arrived; else keep them for its arrival.

    A later post for the same (room, label) replaces the kept vars (oTree
    overwrites its ParticipantVarsFromREST row).
    """
    room_definition(study, room_name)
    session = current_session(store, room_name)
    participant = session_with_label(store, session, label) if session is not None else None
    if participant is not None:
        merge_vars(participant, vars)
        return
    row = room_state(store, room_name)
    row.pending_vars = {**row.pending_vars, label: dict(vars)}


#: oTree's participant.label column is 100 characters.
MAX_LABEL_LENGTH = 100


class LabelMissing(NotFound):
    """A room with a label file was opened without a participant_label."""

    def __init__(self, room: str) -> None:
        super().__init__("Participant label", None)
        self.args = (f"room {room} needs a participant_label",)


def label_too_long(label: str | None) -> bool:
    return bool(label) and len(label) > MAX_LABEL_LENGTH  # type: ignore[arg-type]


def set_label(participant: Any, label: str | None) -> None:
    """oTree's ``Participant.set_label``: an empty label changes nothing, a long one is not recorded.

    oTree raises a 404 for the long one after the participant was marked visited,
    and commits that (*observed*); the web layer answers the 404 after its
    transaction (``label_too_long``), so the same state results.
    """
    if label and not label_too_long(label):
        participant.label = label


def by_label(store: Any, session: Any, label: str | None) -> Any:
    """oTree's ``get_participant_by_label``: the one holding ``label``, else the first not visited."""
    if label:
        held = session_with_label(store, session, label)
        if held is not None:
            return held
    return _first_unvisited(store, session)


def by_cookie(store: Any, session: Any, cookie_code: str | None) -> Any:
    """oTree's ``get_participant_by_cookies``: the participant the browser was given, else the first
    not visited (the caller then gives the browser its code)."""
    if cookie_code:
        return store.participant_by_code(cookie_code)
    return _first_unvisited(store, session)


def arrive(participant: Any, label: str | None) -> Any:
    """oTree's ``mark_visited_and_record_label``."""
    participant.visited = True
    set_label(participant, label)
    return participant


def join_room(store: Any, study: StudySettings, room_name: str, label: str | None, cookie_code: str | None = None) -> Any:
    """Assign a participant of the room's current session; None when it has no session.

    As oTree's ``AssignVisitorToRoom`` once the welcome page is passed: the
    participant holding ``label`` comes back, else the first not visited gets the
    label and the vars posted for it before arrival; without a label, the
    browser's cookie (``cookie_code``) decides.  Raises SessionFull when nobody is left.
    """
    room = room_definition(study, room_name)
    if room.labels is not None:
        if not label:
            raise LabelMissing(room_name)
        if not room.accepts(label):
            raise LabelNotFound(room_name, label)
    session = current_session(store, room_name)
    if session is None:
        return None
    participant = by_label(store, session, label) if label else by_cookie(store, session, cookie_code)
    if participant is None:
        raise SessionFull(f"session {session.code} is full: all {session.num_participants} participants have started")
    arrive(participant, label)
    if label and not label_too_long(label):
        row = store.room(room_name)
        pending = row.pending_vars if row is not None else {}
        if label in pending:
            merge_vars(participant, pending[label])
            row.pending_vars = {k: v for k, v in pending.items() if k != label}
    return participant


def session_by_join_code(store: Any, join_code: str) -> Any:
    session = store.session_by_join_code(join_code)
    if session is None:
        raise NotFound("Session", join_code)
    return session


def join_session(store: Any, join_code: str, label: str | None = None, cookie_code: str | None = None) -> Any:
    """The session-wide link, as oTree's ``SessionWideLink``: by label if one is given; else
    the browser's cookie for a real session, the first not visited for a demo session."""
    session = session_by_join_code(store, join_code)
    if label:
        participant = by_label(store, session, label)
    elif not session.is_demo:
        participant = by_cookie(store, session, cookie_code)
    else:
        participant = _first_unvisited(store, session)
    if participant is None:
        raise SessionFull(f"session {session.code} is full: all {session.num_participants} participants have started")
    return arrive(participant, label)


def initialize_participant(store: Any, code: str, label: str | None = None) -> Any:
    """A participant's own start link (oTree's ``InitializeParticipant``): visited, and
    ``label`` recorded unless the participant already has one."""
    participant = get_participant(store, code)
    participant.visited = True
    if not participant.label:
        set_label(participant, label)
    return participant


def _first_unvisited(store: Any, session: Any) -> Any:
    for participant in store.participants_of_session(session.code):
        if not participant.visited:
            return participant
    return None
