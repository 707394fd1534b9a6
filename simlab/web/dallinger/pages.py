"""Participant-facing pages: index, ad, consent, exit, error pages, templates and static files.

Templates and static files come from the experiment's own ``templates/`` and
``static/`` folders first, then simlab's defaults.  Only names inside those
folders are ever served: ``..``, absolute paths, backslashes and hidden names
are 404, whatever their encoding.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateNotFound
from quart import Blueprint, Response, abort, redirect, render_template, request, send_file

from ...domain.recruiters import random_id
from ...domain import Notification
from . import models as m
from .params import path_id
from .wire import DallingerError, error_page, participant_identity

if TYPE_CHECKING:
    from ..runtime import Runtime


def safe_name(name: str) -> bool:
    """Whether ``name`` is one plain path segment (no traversal, no hidden file)."""
    return bool(name) and name not in (".", "..") and not name.startswith(".") and "\\" not in name and "/" not in name and "\x00" not in name


def find_static(folders: list[Path], path: str) -> Path | None:
    """The file ``path`` inside one of ``folders``, or None; never a file outside them."""
    parts = path.split("/")
    if not all(safe_name(p) for p in parts):
        return None
    for folder in folders:
        candidate = folder.joinpath(*parts)
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if resolved.is_file() and resolved.is_relative_to(folder.resolve()):
            return resolved
    return None


def html_error(rt: Runtime, error_type: str, status: int, participant: Any = None, error_text: str | None = None) -> Response:
    page = error_page(error_type, error_text, participant_identity(participant), rt.exp.config.get("contact_email_on_error"))
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def register(bp: Blueprint, rt: Runtime) -> None:
    exp = rt.exp
    store = rt.store
    resources = rt.resources

    async def render_page(name: str, **context: Any) -> Any:
        try:
            return await render_template(name, **context)
        except TemplateNotFound:
            abort(404)

    @bp.route("/", methods=["GET"])
    async def index() -> Any:
        return Response(
            "<html><head><title>Dallinger Experiment</title></head><body>"
            "<h1>Dallinger Experiment in progress</h1>"
            "<p><a href=\"/dashboard\">Dashboard</a></p></body></html>",
            content_type="text/html; charset=utf-8",
        )

    async def static_file(path: str) -> Any:
        found = find_static(resources.static_dirs, path)
        if found is None:
            abort(404)
        return await send_file(found)

    @bp.route("/static/<path:filename>", methods=["GET"])
    async def static(filename: str) -> Any:
        return await static_file(filename)

    @bp.route("/robots.txt", methods=["GET"])
    async def robots() -> Any:
        found = find_static(resources.static_dirs, "robots.txt")
        if found is None:
            return Response("User-agent: *\nDisallow: /\n", content_type="text/plain; charset=utf-8")
        return await send_file(found)

    @bp.route("/favicon.ico", methods=["GET"])
    async def favicon() -> Any:
        return await static_file("favicon.ico")

    @bp.route("/ad", methods=["GET"])
    @m.query(m.AdQuery)
    async def ad() -> Any:
        args = dict(request.args.items())
        rule = str(exp.config.get("browser_exclude_rule") or "")
        agent = request.headers.get("User-Agent", "").lower()
        for word in (w.strip().lower() for w in rule.split(",")):
            if word and word not in ("mobile", "tablet", "touchcapable", "pc", "bot") and word in agent:
                return html_error(rt, "browser_type_not_allowed", 403)
        if str(exp.config.get("generate_tokens")).lower() in ("1", "true", "yes") and "hitId" not in args:
            rng = exp.random
            args.update(hitId=random_id(rng), assignmentId=random_id(rng), workerId=random_id(rng))
            query = "&".join(f"{k}={v}" for k, v in args.items())
            return redirect(f"/ad?{query}", 302)
        info = exp.normalize_entry_information(args)
        if not info.get("hit_id") or not info.get("assignment_id"):
            # Dallinger answers this with its error page and a 500 (spec 9.14).
            return html_error(rt, "hit_assign_worker_id_not_set_by_recruiter", 400)
        worker_id = info.get("worker_id")
        if worker_id and store.participants_by_worker(worker_id) and not exp.config.get("allow_repeat_worker_ids"):
            return html_error(rt, "already_did_exp_hit", 403)
        return await render_page(
            "ad.html",
            hit_id=info["hit_id"],
            assignment_id=info["assignment_id"],
            worker_id=worker_id,
            mode=args.get("mode", exp.config.get("mode")),
            recruiter=args.get("recruiter", exp.recruiter.nickname),
            query_string=request.query_string.decode("utf-8", "replace"),
            app_id="simlab",
        )

    @bp.route("/consent", methods=["GET"])
    @m.query(m.ConsentQuery)
    async def consent() -> Any:
        return await render_page(
            "consent.html",
            hit_id=request.args.get("hit_id"),
            assignment_id=request.args.get("assignment_id"),
            worker_id=request.args.get("worker_id"),
            mode=request.args.get("mode"),
            query_string=request.query_string.decode("utf-8", "replace"),
        )

    @bp.route("/recruiter-exit", methods=["GET"])
    @m.query(m.OptionalParticipant)
    async def recruiter_exit() -> Any:
        raw = request.args.get("participant_id")
        if not raw:
            # Dallinger answers these two in its JSON error envelope (observed: tests/differential)
            raise DallingerError("/recruiter-exit GET: param participant_id is required", status=400)
        params = await rt.params()
        participant = store.get("participant", path_id(params, "participant_id", raw))
        if participant is None:
            raise DallingerError(f"/recruiter-exit GET: no participant found for ID {raw}", status=404)
        return await render_page("exit_recruiter.html", participant=participant, assignment_id=participant.assignment_id)

    @bp.route("/handle-error", methods=["POST"])
    @m.form(m.HandleError)
    async def handle_error() -> Any:
        params = await rt.params()
        form = params.body
        participant = None
        raw = form.get("participant_id")
        if raw:
            participant = store.get("participant", path_id(params, "participant_id", raw))
            if participant is None:
                return html_error(rt, f"/handle-error POST: no participant found for ID {raw}", 400)
        elif form.get("worker_id"):
            matches = store.participants_by_worker(form["worker_id"])
            participant = matches[-1] if matches else None
        elif form.get("assignment_id"):
            matches = store.participants_by_assignment(form["assignment_id"])
            participant = matches[-1] if matches else None
        with rt.atomic("/handle-error server error"):
            if participant is not None:
                from ...domain import operations as ops

                ops.worker_complete(exp, participant)
            details = {
                "request_data": form.get("request_data", ""),
                "feedback": form.get("error_feedback", ""),
                "error_type": form.get("error_type", ""),
                "error_text": form.get("error_text", ""),
            }
            assignment = participant.assignment_id if participant is not None else (form.get("assignment_id") or "unknown")
            store.add(Notification(assignment_id=assignment, event_type="ExperimentError", details=details))
        return await render_page("error-complete.html", participant=participant)

    @bp.route("/error-page", methods=["GET", "POST"])
    @m.query(m.ErrorPageQuery)
    @m.intended_status(500, "Dallinger's error page, always with status 500 (spec 4.26)")
    async def error_page_route() -> Any:
        return html_error(rt, request.args.get("error_type", "default"), 500)

    @bp.route("/<page>", methods=["GET"])
    async def page(page: str) -> Any:
        if not safe_name(page):
            abort(404)
        return await render_page(f"{page}.html")

    @bp.route("/<directory>/<page>", methods=["GET"])
    async def directory_page(directory: str, page: str) -> Any:
        if not (safe_name(directory) and safe_name(page)):
            abort(404)
        return await render_page(f"{directory}/{page}.html")
