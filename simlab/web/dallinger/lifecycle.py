"""Lifecycle routes: launch, summary, completion, failure, notifications, webhooks.

Spec sections 4.20–4.25.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from quart import Blueprint, abort, request

from ...domain import lifecycle
from ...errors import NotFound
from ...domain import operations as ops
from .cors import cors
from . import models as m
from .params import Params, path_id
from .wire import DallingerError, dumps, simple_error, success

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime

logger = logging.getLogger("simlab.web")

#: Where ``/ad_address`` sends a finished participant, by mode (see ``ad_address``).
AD_ADDRESSES = {
    "debug": "/complete",
    "sandbox": "https://workersandbox.mturk.com/mturk/externalSubmit",
    "live": "https://www.mturk.com/mturk/externalSubmit",
}


def register(bp: Blueprint, rt: Runtime) -> None:
    exp = rt.exp
    store = rt.store

    def participant_from(params: Params, raw: str | None) -> Any:
        if not raw:
            raise DallingerError("bad request", error_text="participantId parameter is required")
        participant = store.get("participant", path_id(params, "participant_id", raw))
        if participant is None:
            raise DallingerError(f"ParticipantId not found: {raw}")
        return participant

    def participant_by_unique_id(unique_id: str) -> Any:
        """Dallinger 3.x-4.x's ``uniqueId`` (``worker_id:assignment_id``), which its first dallinger.js sends."""
        worker_id, _, assignment_id = unique_id.partition(":")
        for participant in store.participants_by_worker(worker_id):
            if participant.assignment_id == assignment_id:
                return participant
        raise DallingerError(f"UniqueId not found: {unique_id}")

    @bp.route("/worker_complete", methods=["GET", "POST"])
    @m.query(m.WorkerCompleteQuery)
    async def worker_complete() -> Any:
        params = await rt.params()
        unique_id = params.raw("uniqueId")
        if not params.raw("participant_id") and unique_id:
            participant = participant_by_unique_id(str(unique_id))
        else:
            participant = participant_from(params, params.raw("participant_id"))
        with rt.atomic("/worker_complete server error", status=403, participant=participant):
            ops.worker_complete(exp, participant)
        return success()

    @bp.route("/worker_failed", methods=["GET"])
    @m.query(m.ParticipantQuery)
    async def worker_failed() -> Any:
        params = await rt.params()
        participant = participant_from(params, request.args.get("participant_id"))
        with rt.atomic("/worker_failed server error", status=403, participant=participant):
            ops.worker_failed(exp, participant)
        # Dallinger's success_response(**kwargs) quirk: these four keys exactly (spec 4.22).
        return success(field="status", data="success", request_type="worker failed")

    @bp.route("/notifications", methods=["GET", "POST", "OPTIONS"])
    @cors
    @m.query(m.Notification)
    async def notifications() -> Any:
        params = await rt.params()
        # Dallinger answers a missing event type with a 500 (spec 9.3); simlab with a 400.
        event_type = params.text("Event.1.EventType")
        assignment_id = params.text("Event.1.AssignmentId", optional=True)
        raw_pid = params.text("participant_id", optional=True)
        participant_id = path_id(params, "participant_id", raw_pid) if raw_pid else None
        if assignment_id is None and not raw_pid:
            raise params.fail("Event.1.AssignmentId or participant_id not specified")
        if raw_pid and participant_id is None:  # beyond every id (e.g. 10,000 digits)
            raise DallingerError(f"ParticipantId not found: {raw_pid}")
        with rt.atomic("/notifications server error", status=400):
            try:
                lifecycle.notify(exp, event_type, assignment_id, participant_id)
            except NotFound:
                raise DallingerError(f"ParticipantId not found: {raw_pid}") from None
        return success()

    @bp.route("/mturk-sns-listener", methods=["GET", "POST", "OPTIONS"])
    @cors
    @m.json_body(m.SnsMessage)
    async def mturk_sns_listener() -> Any:
        """Amazon SNS notifications of MTurk events (a JSON body of ``Type`` and ``Message``)."""
        params = await rt.params()
        body = await request.get_data(as_text=False)
        try:
            message = json.loads(body) if body else {}
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            raise params.fail("body is not valid JSON") from None
        if not isinstance(message, dict) or "Type" not in message:
            raise params.fail("body has no Type")
        if message["Type"] == "SubscriptionConfirmation":
            return success()
        try:
            events = json.loads(message.get("Message", "")).get("Events", [])
            pairs = [(e["EventType"], e.get("AssignmentId")) for e in events]
        except (ValueError, AttributeError, TypeError, KeyError, RecursionError):
            raise params.fail("Message has no list of Events with an EventType") from None
        with rt.atomic("/mturk-sns-listener server error"):
            for event_type, assignment_id in pairs:
                if assignment_id is not None:
                    lifecycle.notify(exp, event_type, assignment_id, None)
        return success()

    @bp.route("/prolific-submission-listener", methods=["POST", "OPTIONS"])
    @cors
    @m.form(m.ProlificSubmission)
    async def prolific_submission_listener() -> Any:
        """Prolific's submission webhook: a submitted participant is processed as complete."""
        params = await rt.params()
        assignment_id = params.text("session_id", optional=True) or params.text("SESSION_ID", optional=True)
        if assignment_id is None:
            raise params.fail("session_id not specified")
        participant = exp.load_participant(assignment_id)
        if participant is None:
            raise DallingerError(f"/prolific-submission-listener POST: no participant for session {assignment_id}")
        with rt.atomic("/prolific-submission-listener server error"):
            if participant.status == "recruiter_submission_started":
                participant.status = "submitted"
                lifecycle.run_worker_event(exp, "RecruiterSubmissionComplete", participant)
        return success()

    @bp.route("/launch", methods=["POST"])
    async def launch() -> Any:
        try:
            with store.transaction():
                ops.setup(exp)
        except Exception as exc:
            rt.user_errors.record("POST /launch (setup: create_network, on_launch)", exc)
            return simple_error(
                f"An error occurred while setting up experiment, check experiment server log for details: {exc}"
            )
        try:
            with store.transaction():
                details = ops.open_recruitment(exp)
        except Exception as exc:
            rt.user_errors.record("POST /launch (opening recruitment)", exc)
            return simple_error(f"Failed to open recruitment, check experiment server log for details: {exc}")
        rt.start_background_tasks()
        if details is None:
            message = "Recruitment hasn't been started yet..."
        else:
            message = "\n".join(
                (
                    "Initial recruitment list:\n{}".format("\n".join(details["items"])),
                    "Additional details:\n{}".format(details["message"]),
                )
            )
        return success(recruitment_msg=message)

    @bp.route("/summary", methods=["GET"])
    async def summary() -> Any:
        state = ops.summary(exp)
        if exp.quorum:
            count = exp.nonfailed_count()
            rt.publish("quorum", dumps({"q": exp.quorum, "n": count, "overrecruited": exp.is_overrecruited(count)}))
        return success(**state)

    @bp.route("/experiment/<prop>", methods=["GET"])
    @bp.route("/experiment_property/<prop>", methods=["GET"])
    async def experiment_property(prop: str) -> Any:
        properties = exp.public_properties
        if prop not in properties:
            abort(404)
        return success(**{prop: properties[prop]})

    @bp.route("/ad_address/<mode>/<hit_id>", methods=["GET"])
    async def ad_address(mode: str, hit_id: str) -> Any:
        """Where to send a participant at the end (removed in Dallinger 12.4; clients still call it).

        As in the older Dallinger that documented it: debug mode goes to ``/complete``;
        sandbox and live go back to MTurk (the psiTurk ad server it used is gone).
        """
        address = AD_ADDRESSES.get(mode)
        if address is None:
            raise DallingerError(f"/ad_address GET: unknown mode: {mode}")
        return success(address=address)
