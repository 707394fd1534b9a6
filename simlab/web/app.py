"""``create_app``: build a QuartTrio app for one experiment and one store."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import trio
from jinja2 import ChoiceLoader, FileSystemLoader
from quart import Response, request
from quart_trio import QuartTrio
from werkzeug.exceptions import HTTPException

from .._version import __version__
from ..asgi import Receive, Scope, Send
from ..config import Settings
from ..persistence.journal import Journal, JournalFailed
from ..domain import Experiment, admission
from ..domain.admission import Refused
from ..domain.admission import install as install_admission
from ..domain.context import serving
from ..domain.otree import StudySettings
from ..store import GraphStore
from .admin import admin_blueprint, protect_routes
from .health import health_blueprint
from .dallinger import dallinger_blueprint
from .dallinger.chat import PubSub
from .dallinger.params import IdConverter
from .dallinger.wire import DallingerError, error_response
from .openapi import attach_openapi
from .otree import otree_blueprint
from .refusals import durability_message, refusal
from .resources import Resources
from .dallinger.fastpath import FastPath
from .otree.fastpath import OTreeFastPath
from .flask_views import mount_flask_views
from .runtime import Runtime

logger = logging.getLogger("simlab.web")


def create_app(
    experiment: type[Experiment] | Experiment | None = None,
    *,
    settings: Settings | None = None,
    store: GraphStore | None = None,
    resources: Resources | None = None,
    config: dict[str, Any] | None = None,
    folder: Path | None = None,
    journal: Journal | None = None,
    study: StudySettings | None = None,
    views: Any = None,
) -> SimlabApp:
    """A QuartTrio app serving ``experiment`` (a class, an instance, or None for the base).

    Args:
        experiment: the experiment; a class is instantiated on ``store``.
        settings: server settings (defaults: ``Settings()``).
        store: the graph store (a new one by default).
        resources: template/static folders (default: the experiment folder's, then simlab's).
        config: Dallinger config values (e.g. read from a ``config.txt``).
        folder: the experiment file's folder, for its ``templates/`` and ``static/``.
        journal: the durable journal of ``store``; responses then wait for their writes.
        study: oTree study settings (session configs, rooms) for the oTree API (default: none).
        views: the experiment's own routes (a Flask app from ``simlab.compat``), served as Dallinger serves them.
    """
    settings = settings or Settings()
    if experiment is None:
        experiment = Experiment
    if isinstance(experiment, type):
        experiment = experiment.build(
            store=store if store is not None else GraphStore(),
            config=config,
            seed=settings.seed,
            base_url=settings.base_url,
        )
    elif store is not None and experiment.store is not store:
        raise ValueError("experiment and store disagree: pass the experiment's own store or none")
    resources = resources or Resources.for_experiment(folder)

    app = SimlabApp("simlab", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    # "/static//etc/passwd" must be a 404, not a redirect to a merged path
    app.url_map.merge_slashes = False
    # ``int:`` segments parsed as every id is (an id of 10,000 digits is "not found", not a 500)
    app.url_map.converters["int"] = IdConverter
    app.config["JSON_SORT_KEYS"] = False
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(d)) for d in resources.template_dirs])

    app.experiment = experiment
    rt = Runtime(experiment, settings, resources)
    rt.pubsub = PubSub(settings.chat_subscriber_bytes)
    experiment.message_bus = rt.publish
    rt.app = app
    app.extensions["simlab"] = rt
    attach_background_work(app, rt)
    study = study or StudySettings()
    app.extensions["simlab.study"] = study

    install_admission(experiment.store, settings.limits(), trio.current_time)

    @app.errorhandler(Refused)
    async def refused(err: Refused) -> Response:
        return refusal(str(err), err.status, err.retry_after)

    @app.errorhandler(DallingerError)
    async def dallinger_error(err: DallingerError) -> Response:
        form = await request.form if request.method == "POST" else None
        return error_response(err, experiment.config.get("contact_email_on_error") or "", form)

    app.after_request(drain_request_body)
    if journal is not None:
        attach_journal(app, journal)
    protect_routes(app, rt)
    app.register_blueprint(health_blueprint())
    app.register_blueprint(admin_blueprint(rt))
    app.register_blueprint(otree_blueprint(rt, study))  # before Dallinger's /<page> catch-alls
    app.register_blueprint(dallinger_blueprint(rt))
    if views is not None:
        mount_flask_views(app, views, rt)
    attach_openapi(app, __version__)
    if settings.fast_path:
        app.fast_path = FastPath(rt, journal)
        app.otree_fast_path = OTreeFastPath(rt, study, journal)
    return app


class SimlabApp(QuartTrio):
    """QuartTrio with simlab's fast path for the hottest success cases in front.

    Every request runs marked with the app's experiment (``domain.context``), which
    is how an experiment's ``db.session`` or ``get_config()`` find their store.
    """

    fast_path: FastPath | None = None
    #: The same for oTree's webhook routes (``simlab.web.otree.fastpath``): ``/api/`` requests.
    otree_fast_path: OTreeFastPath | None = None
    experiment: Experiment | None = None
    #: The folder a Dallinger experiment runs from (``simlab serve`` changes to it), or None.
    working_dir: Path | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        peer = scope.get("client") if scope["type"] == "http" else None
        with serving(self.experiment), admission.client(peer[0] if peer else "") if scope["type"] == "http" else nullcontext():
            if scope["type"] == "http" and self.otree_fast_path is not None and scope["path"].startswith("/api/"):
                await self.otree_fast_path(scope, receive, send, super().__call__)
            elif scope["type"] == "http" and self.fast_path is not None:
                await self.fast_path(scope, receive, send, super().__call__)
            else:
                await super().__call__(scope, receive, send)


async def drain_request_body(response: Response) -> Response:
    """Read what is left of the request body before answering.

    hypercorn's trio worker can stall a keep-alive connection when an answer
    completes before the request body was read (a 404/405 from routing, oTree's
    403 before the body): the client's next request on that connection then
    never gets an answer.  Found by fuzzing; reading the body (bounded by
    ``MAX_CONTENT_LENGTH``) lets the connection be reused.  A body too large to
    read closes the connection instead.
    """
    if request.content_length or "transfer-encoding" in request.headers:
        try:
            await request.get_data()
        except HTTPException:
            response.headers["Connection"] = "close"
    return response


def attach_journal(app: QuartTrio, journal: Journal) -> None:
    """Run the journal's writer while serving; answer each write only once it is durable."""

    @app.before_serving
    async def start_writer() -> None:
        app.nursery.start_soon(journal.run)

    @app.after_serving
    async def stop_writer() -> None:
        await journal.close()

    @app.after_request
    async def wait_for_durability(response: Response) -> Response:
        # its own writes, and every write the response could show, must be durable first
        own, seen = journal.request_needs_wait(), journal.visible_seq()
        if own or seen:
            try:
                await journal.wait_durable(own, seen)
            except JournalFailed as exc:
                return refusal(durability_message(str(exc)), 503)
        return response


def attach_background_work(app: QuartTrio, rt: Runtime) -> None:
    """Run the experiment's greenlets and scheduled tasks while serving; end them when it stops."""
    from ..compat.background import BackgroundWork

    rt.background = BackgroundWork(rt.exp, report=rt.user_errors.record)

    @app.before_serving
    async def start_background() -> None:
        await rt.background.serve(app.nursery)

    @app.after_serving
    async def stop_background() -> None:
        rt.background.stop()


def start_background_tasks(rt: Runtime) -> None:
    """Start the experiment's ``background_tasks`` (``POST /launch``, as Dallinger does)."""
    refused = rt.background.start(rt.exp.background_tasks)
    for name in refused:
        logger.warning("background task %s not started: the app is not serving", name)
