"""Participants, their questionnaire answers, and recruiter notifications."""

from __future__ import annotations

from typing import Any

from ..errors import ModelError
from ..store import NotificationRow, ParticipantRow, QuestionRow
from .base import Model, check_failed_filter, matches_failed

#: Dallinger's participant status enum (spec 7.4).
STATUSES = (
    "abandoned",
    "approved",
    "bad_data",
    "did_not_attend",
    "missing_notification",
    "overrecruited",
    "recruiter_submission_started",
    "rejected",
    "replaced",
    "returned",
    "screened_out",
    "submitted",
    "working",
)

#: Statuses counted by ``nonfailed_count`` on participant creation (spec 4.1).
NONFAILED_STATUSES = ("working", "recruiter_submission_started", "overrecruited", "submitted", "approved")


class Participant(Model, ParticipantRow):
    """One person (or bot) taking part; also the oTree participant of the same person."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "participant"}

    def __init__(
        self,
        recruiter_id: str | None,
        worker_id: str,
        assignment_id: str,
        hit_id: str,
        mode: str,
        fingerprint_hash: str | None = None,
        entry_information: Any = None,
        **columns: Any,
    ) -> None:
        for name, value in (("worker_id", worker_id), ("assignment_id", assignment_id), ("hit_id", hit_id)):
            if not isinstance(value, str) or not value:
                raise ModelError(f"Participant needs a {name}, got {value!r}")
        columns.update(
            type=self.polymorphic_identity,
            recruiter_id=recruiter_id,
            worker_id=worker_id,
            assignment_id=assignment_id,
            hit_id=hit_id,
            mode=mode,
            fingerprint_hash=fingerprint_hash,
            # Dallinger keeps only truthy entry information; its column is NOT NULL with default {}
            entry_information=entry_information if entry_information else {},
            unique_id=f"{worker_id}:{assignment_id}",
        )
        self._init_columns(columns)

    def _failure_cascade(self) -> Any:
        return (lambda: self.nodes(), lambda: self.questions())

    def nodes(self, type: Any = None, failed: Any = False) -> list[Any]:
        """The participant's nodes (live ones by default)."""
        from .nodes import Node

        type = type or Node
        check_failed_filter(failed)
        return [n for n in self._store.nodes_of_participant(self.id) if isinstance(n, type) and matches_failed(n, failed)]

    def questions(self, type: Any = None) -> list[Any]:
        """The participant's non-failed questionnaire answers."""
        type = type or Question
        return [q for q in self._store.questions_of(self.id) if isinstance(q, type) and not q.failed]

    def infos(self, type: Any = None, failed: Any = False) -> list[Any]:
        """Infos created by the participant's nodes."""
        return [i for n in self.nodes(failed="all") for i in n.infos(type=type, failed=failed)]

    def __json__(self) -> dict[str, Any]:
        data = self._shared_json()
        data["type"] = self.type
        data["recruiter"] = self.recruiter_id
        data["assignment_id"] = self.assignment_id
        data["hit_id"] = self.hit_id
        data["mode"] = self.mode
        data["end_time"] = self.end_time
        data["base_pay"] = self.base_pay
        data["bonus"] = self.bonus
        data["status"] = self.status
        data["object_type"] = "Participant"
        data["entry_information"] = self.entry_information
        return data


class Question(Model, QuestionRow):
    """One questionnaire answer of a participant."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow
    __mapper_args__ = {"polymorphic_identity": "question"}

    def __init__(self, participant: Any, question: str, response: str, number: int, **columns: Any) -> None:
        if participant.failed:
            raise ModelError(f"{participant} cannot create a question as it has failed")
        columns.update(
            type=self.polymorphic_identity,
            participant_id=participant.id,
            question=question,
            response=response,
            number=number,
        )
        self._init_columns(columns)
        participant._store.add(self)

    def __json__(self) -> dict[str, Any]:
        data = self._shared_json()
        data["number"] = self.number
        data["type"] = self.type
        data["participant_id"] = self.participant_id
        data["question"] = self.question
        data["response"] = self.response
        data["object_type"] = "Question"
        return data


class Notification(Model, NotificationRow):
    """A recruiter event about an assignment (kept for the record and export)."""

    # no __slots__: experiments set ad-hoc attributes on models, as SQLAlchemy's allow

    def __init__(self, assignment_id: str, event_type: str, **columns: Any) -> None:
        columns.update(assignment_id=assignment_id, event_type=event_type)
        self._init_columns(columns)

    def __json__(self) -> dict[str, Any]:
        data = self._shared_json()
        data["assignment_id"] = self.assignment_id
        data["event_type"] = self.event_type
        return data
