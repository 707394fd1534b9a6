"""Participant lifecycle: completion, failure and recruiter notifications (spec 7.4).

Dallinger processes notifications on a background worker; simlab runs them
synchronously inside the request, which clients that poll cannot tell apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InvalidRequest, NotFound
from .participants import Notification

Event = Callable[[Any, Any], None]


def _end(exp: Any, participant: Any) -> None:
    participant.end_time = exp.store.now()


def _abandoned(exp: Any, participant: Any) -> None:
    if participant.status == "working":
        _end(exp, participant)
        participant.status = "abandoned"
        exp.assignment_abandoned(participant=participant)


def _returned(exp: Any, participant: Any) -> None:
    if participant.status == "working":
        _end(exp, participant)
        participant.status = "returned"
        exp.assignment_returned(participant=participant)


def _missing(exp: Any, participant: Any) -> None:
    if participant.status == "working":
        _end(exp, participant)
        participant.status = "missing_notification"


def _reassigned(exp: Any, participant: Any) -> None:
    _end(exp, participant)
    participant.status = "replaced"
    exp.assignment_reassigned(participant=participant)


def _accepted(exp: Any, participant: Any) -> None:
    pass


def _submission_complete(exp: Any, participant: Any) -> None:
    if participant.status != "submitted":
        exp.log(f"Participant {participant.id} is {participant.status}, not submitted: ignoring submission")
        return
    event = {
        "event_type": "RecruiterSubmissionComplete",
        "participant_id": participant.id,
        "assignment_id": participant.assignment_id,
        "timestamp": participant.end_time or exp.store.now(),
        "receive_time": None,
        "details": None,
    }
    exp.on_recruiter_submission_complete(participant=participant, event=event)


def _bot_submission_complete(exp: Any, participant: Any) -> None:
    participant.status = "approved"
    exp.submission_successful(participant=participant)
    exp.recruit()


def _bot_rejected(exp: Any, participant: Any) -> None:
    participant.status = "rejected"
    exp.recruit()


WORKER_EVENTS: dict[str, Event] = {
    "AssignmentAccepted": _accepted,
    "AssignmentAbandoned": _abandoned,
    "AssignmentReturned": _returned,
    "AssignmentReassigned": _reassigned,
    "NotificationMissing": _missing,
    "RecruiterSubmissionComplete": _submission_complete,
    "AssignmentSubmitted": _submission_complete,
    "BotRecruiterSubmissionComplete": _bot_submission_complete,
    "BotAssignmentSubmitted": _bot_submission_complete,
    "BotAssignmentRejected": _bot_rejected,
}


def run_worker_event(exp: Any, event_type: str, participant: Any) -> bool:
    """Run a named worker event on ``participant``; False when the name is unknown."""
    event = WORKER_EVENTS.get(event_type)
    if event is None:
        exp.log(f"Event type {event_type} is not supported... ignoring.")
        return False
    event(exp, participant)
    return True


def worker_complete(exp: Any, participant: Any) -> None:
    """``/worker_complete``: idempotent; the recruiter decides the new status."""
    if participant.end_time is not None:
        return
    _end(exp, participant)
    exp.participant_task_completed(participant)
    status, action = exp.recruiter_for(participant).on_task_completion()
    participant.status = status
    if action:
        run_worker_event(exp, action, participant)


def worker_failed(exp: Any, participant: Any) -> None:
    """``/worker_failed``: only the end time, unless a bot failed (then rejected)."""
    _end(exp, participant)
    recruiter = participant.recruiter_id or ""
    if recruiter == "bots" or recruiter.startswith("bots:"):
        run_worker_event(exp, "BotAssignmentRejected", participant)


def notify(exp: Any, event_type: str, assignment_id: str | None, participant_id: int | None) -> Any:
    """Process a recruiter notification (``/notifications``, the MTurk listener).

    Returns the participant it applied to, or None when none matched.
    """
    store = exp.store
    participant = None
    if assignment_id is not None:
        if event_type in WORKER_EVENTS:
            store.add(Notification(assignment_id=assignment_id, event_type=event_type))
        matches = list(store.participants_by_assignment(assignment_id))
        if len(matches) > 1 and event_type in ("AssignmentAbandoned", "AssignmentReturned"):
            working = [p for p in matches if p.status == "working"]
            participant = working[0] if working else None
        elif matches:
            participant = matches[-1]
        if participant is None:
            exp.log(f"No participant for assignment {assignment_id}: notification not processed")
            return None
    elif participant_id is not None:
        participant = store.get("participant", participant_id)
        if participant is None:
            raise NotFound("participant", participant_id)
    else:
        raise InvalidRequest("a notification needs an assignment_id or a participant_id")
    run_worker_event(exp, event_type, participant)
    return participant
