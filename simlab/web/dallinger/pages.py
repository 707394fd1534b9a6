"""Participant-facing pages: index, ad, consent, exit, error pages, templates and static files.

Templates and static files come from the experiment's own ``templates/`` and
``static/`` folders first, then simlab's (Dallinger's template names and blocks,
its static paths; third-party libraries from installed packages, see vendor.py).
Every page gets the Jinja context Dallinger's templates use (page_context.py).
A template that is not found is logged with its name.  Only names inside those
folders are ever served: ``..``, absolute paths, backslashes and hidden names
are 404, whatever their encoding.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateNotFound, TemplatesNotFound
from quart import Blueprint, Response, abort, redirect, render_template, request, send_file

from ...domain.recruiters import recruiter_class
from ...domain import Notification
from . import models as m
from .page_context import page_context
from .tokens import token_redirect
from .params import path_id
from .vendor import vendored_file
from .wire import DallingerError, error_page, participant_identity

log = logging.getLogger("simlab.pages")

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime


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


def exit_info(exp: Any, participant: Any) -> list[tuple[str, Any]]:
    """Dallinger's ``participant_exit_info``: the experiment's ``exit_info_for``, sorted."""
    hook = getattr(exp, "exit_info_for", None)
    if callable(hook):
        info = hook(participant)
    else:
        info = {
            "Assignment ID": participant.assignment_id,
            "HIT ID": participant.hit_id,
            "Base Pay": participant.base_pay,
            "Bonus": participant.bonus,
        }
    return sorted(dict(info).items())


async def html_error(
    rt: Runtime,
    error_type: str,
    status: int,
    participant: Any = None,
    error_text: str | None = None,
    request_data: str = "",
) -> Response:
    """Dallinger's error page: the ``error.html`` template (the experiment's if it has one)."""
    identity = participant_identity(participant, (await request.form) if request.method == "POST" else None)
    contact = rt.exp.config.get("contact_email_on_error")
    text = error_text if error_text is not None else "There has been an error and so you are unable to continue, sorry!"
    try:
        page = await render_template(
            "error.html", error_text=text, compensate=True, contact_address=contact, error_type=error_type,
            request_data=request_data, **identity,
        )
    except TemplateNotFound as exc:
        log.warning("template not found: %s (rendering error.html); using the built-in error page", exc.name)
        page = error_page(error_type, error_text, identity, contact, request_data)
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def register(bp: Blueprint, rt: Runtime) -> None:
    exp = rt.exp
    store = rt.store
    resources = rt.resources

    @bp.app_context_processor
    def dallinger_context() -> dict[str, Any]:
        return page_context(rt)

    async def render_page(name: str, **context: Any) -> Any:
        try:
            return await render_template(name, **context)
        except TemplatesNotFound as exc:
            log.warning("template not found: %s (rendering %s for %s)", ", ".join(map(str, exc.templates)), name, request.path)
            abort(404)
        except TemplateNotFound as exc:
            log.warning("template not found: %s (rendering %s for %s)", exc.name, name, request.path)
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
        if found is None and all(safe_name(p) for p in path.split("/")):
            found = vendored_file(path)
        if found is None:
            log.info("static file not found: %s", path)
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
                return await html_error(rt, "browser_type_not_allowed", 403)
        target = token_redirect(args, exp.config.get("generate_tokens"), exp.random)
        if target is not None:
            return redirect(target, 302)
        info = exp.normalize_entry_information(args)
        if not info.get("hit_id") or not info.get("assignment_id"):
            # Dallinger answers this with its error page and a 500 (spec 9.14).
            return await html_error(rt, "hit_assign_worker_id_not_set_by_recruiter", 400)
        worker_id = info.get("worker_id")
        if worker_id and store.participants_by_worker(worker_id) and not exp.config.get("allow_repeat_worker_ids"):
            return await html_error(rt, "already_did_exp_hit", 403)
        # Dallinger's names (hitid, assignmentid, workerid) and simlab's snake_case ones.
        return await render_page(
            "ad.html",
            hitid=info["hit_id"],
            assignmentid=info["assignment_id"],
            workerid=worker_id,
            hit_id=info["hit_id"],
            assignment_id=info["assignment_id"],
            worker_id=worker_id,
            mode=exp.config.get("mode"),
            recruiter=args.get("recruiter") or exp.recruiter.nickname,
            query_string=request.query_string.decode("utf-8", "replace"),
            app_id=exp.config.get("id") or "simlab",
        )

    @bp.route("/consent", methods=["GET"])
    @m.query(m.ConsentQuery)
    async def consent() -> Any:
        info = exp.normalize_entry_information(dict(request.args.items()))
        return await render_page(
            "consent.html",
            hit_id=info.get("hit_id"),
            assignment_id=info.get("assignment_id"),
            worker_id=info.get("worker_id"),
            mode=exp.config.get("mode"),
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
        recruiter = recruiter_class(participant.recruiter_id)
        return await render_page(
            "exit_recruiter.html",
            recruiter=recruiter.__name__ if recruiter is not None else participant.recruiter_id,
            participant_exit_info=exit_info(exp, participant),
            participant=participant,
            assignment_id=participant.assignment_id,
        )

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
                return await html_error(rt, f"/handle-error POST: no participant found for ID {raw}", 400)
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
        return await render_page(
            "error-complete.html",
            participant=participant,
            completed=participant is not None,
            contact_address=exp.config.get("contact_email_on_error"),
            hit_id=participant.hit_id if participant is not None else form.get("hit_id"),
        )

    @bp.route("/error-page", methods=["GET", "POST"])
    @m.query(m.ErrorPageQuery)
    @m.intended_status(500, "Dallinger's error page, always with status 500 (spec 4.26)")
    async def error_page_route() -> Any:
        participant = None
        form = await request.form if request.method == "POST" else {}
        raw = form.get("participant_id")
        if raw and raw.isdigit():
            participant = store.get("participant", int(raw))
        return await html_error(
            rt, request.args.get("error_type", "default"), 500, participant, request_data=form.get("request_data", "")
        )

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
