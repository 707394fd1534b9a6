"""Participant, question and network routes (spec 4.1–4.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import Blueprint, request

from ...domain import operations as ops
from ...domain.admission import Refused
from . import models as m
from .params import path_id
from .wire import DallingerError, dumps, success

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime

#: Dallinger's worker_id/hit_id/assignment_id/mode columns are String(50).
ID_COLUMN_LENGTH = 50


def register(bp: Blueprint, rt: Runtime) -> None:
    exp = rt.exp

    async def _create(worker_id: Any, hit_id: Any, assignment_id: Any, mode: str, entry_information: Any) -> Any:
        params = await rt.params()
        if "undefined" in (worker_id, hit_id, assignment_id):
            raise DallingerError("/participant POST: required values were 'undefined'", status=403)
        for name, value in (("worker_id", worker_id), ("hit_id", hit_id), ("assignment_id", assignment_id), ("mode", mode)):
            if value is None:
                continue
            if "\x00" in value:
                raise params.fail(f"invalid character (NUL) in {name}")
            if len(value) > ID_COLUMN_LENGTH:
                raise params.fail(f"{name} longer than {ID_COLUMN_LENGTH} characters: {value[:ID_COLUMN_LENGTH]}...")
        fingerprint = params.text("fingerprint_hash", optional=True)
        recruiter_name = request.args.get("recruiter") or (entry_information or {}).get("recruiter")
        if recruiter_name is not None:
            recruiter_name = params.text("recruiter", default=recruiter_name)
            if recruiter_name != "undefined" and exp.recruiter_for_name(recruiter_name) is None:
                raise params.fail(f"unknown recruiter: {recruiter_name}")
        try:
            with rt.store.transaction():
                participant, quorum = ops.create_participant(
                    exp,
                    worker_id=worker_id,
                    hit_id=hit_id,
                    assignment_id=assignment_id,
                    mode=mode,
                    recruiter_name=recruiter_name,
                    fingerprint_hash=fingerprint,
                    entry_information=entry_information,
                )
        except ops.RepeatWorker:
            raise DallingerError("/participant POST: worker has already participated.", status=403) from None
        except ops.RegistrationFailed:
            raise DallingerError(
                "/participant POST: an error occurred while registering the participant.", status=400
            ) from None
        data = participant.__json__()
        data["unique_id"] = participant.unique_id
        data["worker_id"] = participant.worker_id
        payload: dict[str, Any] = {"participant": data}
        if quorum is not None:
            payload["quorum"] = quorum
            rt.publish("quorum", dumps(quorum))
        return success(**payload)

    @bp.route("/participant/<worker_id>/<hit_id>/<assignment_id>/<mode>", methods=["POST"])
    @m.form(m.CreateParticipant)
    async def create_participant(worker_id: str, hit_id: str, assignment_id: str, mode: str) -> Any:
        return await _create(worker_id, hit_id, assignment_id, mode, None)

    @bp.route("/participant", methods=["POST"])
    @m.form(m.EntryInformation)
    async def create_participant_from_entry() -> Any:
        entry = dict((await rt.params()).body)
        entry.pop("fingerprint_hash", None)
        mode = entry.pop("mode", exp.config.get("mode"))
        info = exp.normalize_entry_information(entry)
        return await _create(
            info.get("worker_id"), info.get("hit_id"), info.get("assignment_id"), mode, info.get("entry_information")
        )

    @bp.route("/participant/<participant_id>", methods=["GET"])
    async def get_participant(participant_id: str) -> Any:
        params = await rt.params()
        participant = rt.store.get("participant", path_id(params, "participant_id", participant_id))
        if participant is None:
            # Dallinger answers 403 for an unknown participant; clients rely on it.
            raise DallingerError("/participant GET: no participant found", status=403)
        return success(participant=participant.__json__())

    @bp.route("/load-participant", methods=["POST"])
    @m.form(m.EntryInformation)
    async def load_participant() -> Any:
        params = await rt.params()
        info = exp.normalize_entry_information(dict(params.body))
        assignment_id = info.get("assignment_id")
        if assignment_id is None:
            raise DallingerError(
                "/load-participant POST: no participant found", status=403, error_code="assignment_id_missing"
            )
        participant = exp.load_participant(assignment_id)
        if participant is None:
            raise DallingerError(
                "/load-participant POST: no participant found", status=403, error_code="participant_not_found"
            )
        return success(participant=participant.__json__())

    @bp.route("/network/<network_id>", methods=["GET"])
    async def get_network(network_id: str) -> Any:
        params = await rt.params()
        network = rt.store.get("network", path_id(params, "network_id", network_id))
        if network is None:
            raise DallingerError("/network GET: no network found", status=403)
        return success(network=network.__json__())

    @bp.route("/question/<participant_id>", methods=["POST"])
    @m.form(m.CreateQuestion)
    async def create_question(participant_id: str) -> Any:
        params = await rt.params()
        participant = rt.store.get("participant", path_id(params, "participant_id", participant_id))
        if participant is None:
            raise DallingerError("/question POST no participant found", status=403)
        question = params.text("question")
        response = params.text("response")
        number = params.integer("number")
        try:
            with rt.store.transaction():
                ops.add_question(exp, participant, question, response, number)
        except ops.QuestionRejected as exc:
            raise DallingerError(
                f"/question POST, status = {exc.status}, reason: {exc.reason}", participant=participant
            ) from None
        except ops.AnswerTooLong:
            raise DallingerError("/question POST length too long", participant=participant) from None
        except Refused:
            raise
        except Exception as exc:
            raise DallingerError("/question POST server error", status=403, participant=participant) from exc
        return success()
