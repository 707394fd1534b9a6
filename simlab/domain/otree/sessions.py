"""oTree sessions on the graph store: creation, reading back, and vars.

A session's participants are rows of the Dallinger domain class
(``exp.create_participant``), so the Dallinger routes and the experiment's
hooks see the same person the oTree API does.  Every function is synchronous
and raises ``simlab.errors`` types; callers run it in ``store.transaction()``
so that a rejected call changes nothing.
"""

from __future__ import annotations

import json
import math
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ...errors import HookError, InvalidRequest, NotFound
from ...store import SessionRow
from .study import GROUP_SIZE_KEY, NON_EDITABLE_FIELDS, StudySettings, is_count, real_world_currency

CODE_ALPHABET = string.ascii_lowercase + string.digits
CODE_LENGTH = 8
#: One request creates at most this many participants (a typo must not stall the server).
MAX_PARTICIPANTS = 10_000
#: The mode and recruiter of participants created by oTree sessions.
OTREE_MODE = "otree"
OTREE_RECRUITER = "hotair"


class Session(SessionRow):
    """A session row with the reading helpers ``mock_exogenous_data(session)`` uses in oTree."""

    __slots__ = ()

    def __init__(self, **columns: Any) -> None:
        self._init_columns(columns)

    def get_participants(self) -> list[Any]:
        return list(self._store.participants_of_session(self.code))


def new_code(rng: Any, taken: Callable[[str], object]) -> str:
    """A code of 8 lowercase letters/digits that ``taken`` does not know yet."""
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not taken(code):
            return code


def get_session(store: Any, code: str) -> Any:
    session = store.session_by_code(code)
    if session is None:
        raise NotFound("Session", code)
    return session


def get_participant(store: Any, code: str) -> Any:
    participant = store.participant_by_code(code)
    if participant is None:
        raise NotFound("Participant", code)
    return participant


def create_session(
    exp: Any,
    study: StudySettings,
    session_config_name: str,
    num_participants: int | None,
    *,
    modified_session_config_fields: Mapping[str, Any] | None = None,
    room_name: str | None = None,
    label: str | None = "",
    is_demo: bool = False,
    run_mock: bool = False,
) -> Any:
    """Create a session and its participants; in a room, make it the room's current session.

    ``num_participants=None`` means max(group size, 2).  ``mock_exogenous_data``
    runs only when ``run_mock`` is true, the session is not in a room, and the config
    sets ``mock_exogenous_data=True``: oTree runs it for demo and bot sessions, never
    for REST-created ones, and issue 7 keeps it out of room sessions (a room's
    participants bring their own data, e.g. from a survey webhook).
    """
    from .rooms import room_state

    store = exp.store
    config = study.session_config(session_config_name)
    if config is None:
        raise InvalidRequest(f'Session config "{session_config_name}" not found in settings.SESSION_CONFIGS.')
    modified = dict(modified_session_config_fields or {})
    locked = [key for key in NON_EDITABLE_FIELDS if key in modified]
    if locked:
        # oTree prints the Python set of the offending keys.
        raise InvalidRequest(f"The following session config fields are not editable: {{{', '.join(map(repr, locked))}}}")
    size = None
    if not study.is_project and GROUP_SIZE_KEY in modified:
        # a study file's own group-size setting: it sizes the groups and is not kept in the config
        size = modified.pop(GROUP_SIZE_KEY)
        if size is not None and not is_count(size):
            raise InvalidRequest(
                f"Field modified_session_config_fields.players_per_group must be an integer >= 1 or null, got {size!r}"
            )
    config.update(modified)
    try:
        # oTree's SessionConfig.clean() makes the fee a RealWorldCurrency again (12 -> 12.0)
        config["participation_fee"] = real_world_currency(config["participation_fee"], study.currency_places)
    except ValueError:
        raise InvalidRequest(
            f"Field modified_session_config_fields.participation_fee must be a number, got {config['participation_fee']!r}"
        ) from None
    rate = config.get("real_world_currency_per_point")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise InvalidRequest(
            f"Field modified_session_config_fields.real_world_currency_per_point must be a number, got {rate!r}"
        )
    groups = study.group_size(config, size)
    n = max(groups, 2) if num_participants is None else num_participants
    if not is_count(n):
        raise InvalidRequest(f"Field num_participants must be an integer >= 1 or null, got {n!r}")
    if n > MAX_PARTICIPANTS:
        raise InvalidRequest(f"Field num_participants must be at most {MAX_PARTICIPANTS}, got {n}")
    if n % groups:
        raise InvalidRequest(
            f"Session Config {session_config_name}: Number of participants ({n}) is not a multiple of group size ({groups})"
        )
    if room_name is not None and study.room(room_name) is None:
        raise NotFound("Room", room_name)

    rng = exp.random
    session = store.add(
        Session(
            code=new_code(rng, store.session_by_code),
            join_code=new_code(rng, store.session_by_join_code),
            label=label,
            config_name=session_config_name,
            config=config,
            num_participants=n,
            vars={},
            created_at=store.now().timestamp(),
            is_demo=is_demo,
            room_name=room_name,
        )
    )
    for id_in_session in range(1, n + 1):
        code = new_code(rng, store.participant_by_code)
        participant = exp.create_participant(
            worker_id=code, hit_id=session.code, assignment_id=code, mode=OTREE_MODE, recruiter_name=OTREE_RECRUITER
        )
        participant.code = code
        participant.session_code = session.code
        participant.id_in_session = id_in_session
        participant.vars = {}
    if room_name is not None:
        room_state(store, room_name).session_code = session.code
    if run_mock and room_name is None and config.get("mock_exogenous_data") and study.mock_exogenous_data is not None:
        _run_mock(study.mock_exogenous_data, session)
    return session


def _run_mock(mock: Callable[[Any], None], session: Any) -> None:
    try:
        mock(session)
    except Exception as exc:
        raise HookError("mock_exogenous_data") from exc
    # oTree code mutates vars in place; reassigning reports the change to the store.
    session.vars = dict(session.vars)
    for participant in session.get_participants():
        participant.vars = dict(participant.vars)


def merge_vars(row: Any, new: Mapping[str, Any]) -> None:
    """``row.vars.update(new)`` as a new dict, so the store can journal and undo it."""
    row.vars = {**(row.vars or {}), **new}


def set_session_vars(store: Any, code: str, vars: Mapping[str, Any]) -> None:
    merge_vars(get_session(store, code), vars)


def set_participant_vars(store: Any, code: str, vars: Mapping[str, Any]) -> None:
    merge_vars(get_participant(store, code), vars)


def sessions(store: Any) -> list[Any]:
    """The non-demo sessions, by creation."""
    return [s for s in store.rows("session") if not s.is_demo]


def otree_status(participant: Any) -> str:
    """oTree's ``participant.status``: "" (active), which oTree itself never changes.

    Only a study's own code sets it in oTree (e.g. "finished"); ``participant.status``
    in simlab is Dallinger's column ("working", ...), which must not leak into oTree's answers.
    """
    return ""


def session_summary(session: Any) -> dict[str, Any]:
    """The fields oTree lists for a session (``GET /api/sessions``), URLs aside."""
    return {
        "code": session.code,
        "num_participants": session.num_participants,
        "created_at": session.created_at,
        "label": session.label,
        "config_name": session.config_name,
    }


#: One encoder for the checks below (``json.dumps`` with arguments builds one per call).
_STRICT = json.JSONEncoder(allow_nan=False)


def json_safe(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The items of ``mapping`` that JSON can carry (oTree may hold other objects in configs)."""
    try:
        _STRICT.encode(mapping)  # the usual case, checked at once
        return dict(mapping)
    except (TypeError, ValueError):
        pass
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            continue
        out[key] = value
    return out


def _picked(vars: Mapping[str, Any], names: Iterable[str], owner: str) -> dict[str, Any]:
    """The requested vars that are present; a value JSON cannot carry is a 400."""
    out: dict[str, Any] = {}
    for name in names:
        if name in vars:
            try:
                _STRICT.encode(vars[name])
            except (TypeError, ValueError):
                raise InvalidRequest(f"{owner}.vars['{name}'] is not JSON serializable") from None
            out[name] = vars[name]
    return out


def real_world_payoff(payoff: Any, config: Mapping[str, Any], places: int = 2) -> float | int:
    """oTree's ``payoff.to_real_world_currency(session)``: points x real_world_currency_per_point,
    a RealWorldCurrency (rounded half-up to the currency's places)."""
    if not payoff:  # nobody has earned anything yet: the usual case
        return 0 if places == 0 else 0.0
    value = float(payoff) * float(config.get("real_world_currency_per_point", 1))
    return real_world_currency(value if math.isfinite(value) else 0.0, places)


def session_detail(
    store: Any,
    study: StudySettings,
    code: str,
    *,
    participant_labels: Iterable[str] | None = None,
    participant_vars: Iterable[str] = (),
    session_vars: Iterable[str] = (),
) -> dict[str, Any]:
    """What ``get_session`` answers, URLs aside: summary, config, participants, requested vars."""
    session = get_session(store, code)
    labels = set(participant_labels) if participant_labels is not None else None
    wanted = list(participant_vars)
    # oTree adds "finished" for oTree HR when PARTICIPANT_FIELDS lists it
    finished = "finished" in study.participant_fields
    places = study.currency_places
    participants = []
    for p in store.participants_of_session(code):
        if labels is not None and p.label not in labels:
            continue
        item = {
            "id_in_session": p.id_in_session,
            "code": p.code,
            "label": p.label,
            "payoff_in_real_world_currency": real_world_payoff(p.payoff, session.config, places),
            "status": otree_status(p),
        }
        if finished:
            item["finished"] = (p.vars or {}).get("finished", False)
        item.update(_picked(p.vars or {}, wanted, "participant"))
        participants.append(item)
    detail = session_summary(session)
    detail["config"] = json_safe(session.config)
    detail["REAL_WORLD_CURRENCY_CODE"] = study.real_world_currency_code
    detail["participants"] = participants
    detail.update(_picked(session.vars or {}, session_vars, "session"))
    return detail
