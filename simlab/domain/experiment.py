"""The ``Experiment`` base class: Dallinger's class-level settings and hooks.

Experiment files subclass it exactly as Dallinger users subclass
``dallinger.experiment.Experiment``.  One instance serves an app; the hooks get
domain objects (nodes, infos...) that behave like Dallinger's models.  Every
method here is synchronous: under trio that makes each request's domain work
atomic without locks.
"""

from __future__ import annotations

import inspect
import logging
import random
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from contextvars import ContextVar
from typing import Any, ClassVar

from ..store import GraphStore
from .config import Config
from .context import current_experiment, enter, leave, serving
from .messages import ChannelMessages
from .infos import Compression, Gene, Info, Meme, Mutation, Replication, Response, State, Transformation
from .networks import Empty
from .nodes import Agent, Environment, Node, Source
from .participants import NONFAILED_STATUSES, Participant
from .recruiters import Recruiter, recruiter_class

logger = logging.getLogger("simlab.experiment")

#: Construction arguments handed from ``Experiment.build`` to ``__init__``.
_pending: ContextVar[dict[str, Any] | None] = ContextVar("simlab_experiment_binding", default=None)

BASE_KNOWN_CLASSES: dict[str, type] = {
    "Agent": Agent,
    "Compression": Compression,
    "Environment": Environment,
    "Gene": Gene,
    "Info": Info,
    "Meme": Meme,
    "Mutation": Mutation,
    "Node": Node,
    "Replication": Replication,
    "Response": Response,
    "Source": Source,
    "State": State,
    "Transformation": Transformation,
}


#: ``[factory]`` of the object ``self.session`` is (and what an old-style ``__init__(self, session)`` gets);
#: the Dallinger compatibility layer installs ``db.session``.  None without it.
session_provider: list[Callable[[], Any]] = [lambda: None]


def construction_arguments(cls: type) -> tuple[Any, ...]:
    """What the Dallinger release ``cls`` was written for passes to it: ``(session,)`` or nothing."""
    init = cls.__init__
    if init is Experiment.__init__:
        return ()
    try:
        params = list(inspect.signature(init).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if positional and (positional[0].name == "session" or positional[0].default is inspect.Parameter.empty):
        session = session_provider[0]()
        return (session if session is not None else True,)
    return ()


class Experiment(ChannelMessages):
    """Base experiment: zero networks, no waiting room, HotAir recruitment (spec 7.2)."""

    task: ClassVar[str] = "Experiment title"
    verbose: ClassVar[bool] = True
    practice_repeats: ClassVar[int] = 0
    experiment_repeats: ClassVar[int] = 0
    quorum: ClassVar[int] = 0
    initial_recruitment_size: ClassVar[int] = 1
    channel: ClassVar[str | None] = None
    public_properties: ClassVar[dict[str, Any]] = {}
    participant_constructor: ClassVar[type] = Participant
    known_classes: ClassVar[dict[str, type]] = BASE_KNOWN_CLASSES
    #: Dallinger configuration values (as in config.txt); see ``simlab.domain.config``.
    config: Any = {}
    #: Async callables started in the server's nursery by ``POST /launch``.
    background_tasks: ClassVar[list[Any]] = []

    def __init__(
        self,
        session: Any = None,
        no_configure: bool = False,
        *,
        store: GraphStore | None = None,
        config: Mapping[str, Any] | None = None,
        seed: int | None = None,
        base_url: str | None = None,
    ) -> None:
        """Dallinger's signature, ``Experiment(session=None, no_configure=False)``.

        Experiments override ``__init__`` with that signature and build instances
        with no arguments (``MCMCP()`` inside a route), so the store and settings
        come from ``Experiment.build`` (what the app uses) or, for an instance
        made while serving, from the experiment being served; ``store=``/``config=``
        give them directly.  ``session`` is Dallinger's deprecated argument (a
        store passed there is taken as ``store``).
        """
        if isinstance(session, GraphStore) and store is None:
            store = session
        pending = _pending.get()
        if pending is not None and pending.get("instance") is None:
            # built by ``build``: this instance is the current experiment until ``build`` returns,
            # so code after ``super().__init__`` (``self.setup()``, ``self.session.commit()``) reaches it
            pending["instance"] = self
            pending["token"] = enter(self)
        else:
            pending = {}
        store = store if store is not None else pending.get("store")
        config = config if config is not None else pending.get("config")
        seed = seed if seed is not None else pending.get("seed")
        base_url = base_url or pending.get("base_url")
        served = current_experiment() if store is None and config is None else None
        if served is not None:
            self._share_state(served)
        else:
            self._bind(store, config, seed, base_url or "http://127.0.0.1:5000")
        self.known_classes = dict(type(self).known_classes)
        #: Dallinger's ``self.session`` (the database session; ``db.session`` when the compat layer serves).
        given = session is not None and session is not True and not isinstance(session, GraphStore)
        self.session = session if given else session_provider[0]()
        if not no_configure:
            with serving(self):
                self.configure()

    @classmethod
    def build(cls, **binding: Any) -> Experiment:
        """An instance bound to ``store``/``config``/``seed``/``base_url``, however ``cls`` overrides ``__init__``.

        ``cls`` is constructed as the Dallinger release it was written for
        constructs it: an ``__init__(self, session)`` or ``__init__(self,
        session=None)`` gets the database session (Dallinger up to 11.4 passes
        it, and such classes set their attributes and call ``self.setup()`` only
        when it is given); any other ``__init__`` (``no_configure=False``, none)
        is called with no arguments, as Dallinger 11.5+ calls it.  The whole
        construction is one store transaction with the new instance current.
        """
        binding = dict(binding, instance=None, token=None)
        token = _pending.set(binding)
        store = binding.get("store")
        try:
            with store.transaction() if isinstance(store, GraphStore) else nullcontext():
                try:
                    return cls(*construction_arguments(cls))
                finally:
                    if binding["token"] is not None:
                        leave(binding["token"])
        finally:
            _pending.reset(token)

    def _bind(self, store: GraphStore | None, config: Mapping[str, Any] | None, seed: int | None, base_url: str) -> None:
        self.store = store if store is not None else GraphStore()
        if isinstance(config, Config):
            self.config = config
        else:
            values = dict(type(self).config or {})
            values.update(config or {})
            self.config = Config(values)
        self.random = random.Random(seed)
        self.base_url = base_url
        self.message_bus: Any = None
        self._recruiters: dict[str, Recruiter] = {}
        default = self.config.get("recruiter") or (
            self.config.get("debug_recruiter") if self.config.get("mode") == "debug" else "mturk"
        )
        cls = recruiter_class(default) or Recruiter
        self.recruiter = self._recruiter(cls)

    def _share_state(self, other: Experiment) -> None:
        """Serve the same store, settings and recruiters as ``other`` (an instance made mid-request)."""
        self.store = other.store
        self.config = other.config
        self.random = other.random
        self.base_url = other.base_url
        self._recruiters = other._recruiters
        self.recruiter = other.recruiter
        self.message_bus = other.message_bus

    def configure(self) -> None:
        """Read configuration into the instance (Dallinger calls it from ``__init__``)."""

    @classmethod
    def extra_parameters(cls) -> None:
        """Register typed config keys with ``get_config().register(key, type)``."""

    @classmethod
    def config_defaults(cls) -> dict[str, Any]:
        """Low-priority config values: config.txt and the command line override them."""
        return {}

    @classmethod
    def config_settings(cls) -> dict[str, Any]:
        """The experiment's own config decisions: config.txt still overrides them."""
        return {}

    def save(self, *objects: Any) -> None:
        """Dallinger's ``save``: add and commit.  Rows join the store when made, so nothing is left to do."""

    # ------------------------------------------------------------ recruiters

    def _recruiter(self, cls: type[Recruiter]) -> Recruiter:
        existing = self._recruiters.get(cls.nickname)
        if existing is None:
            existing = self._recruiters[cls.nickname] = cls(self.random, self.base_url, self.config.get("mode"))
        return existing

    def recruiter_for_name(self, name: str) -> Recruiter | None:
        """The recruiter a ``recruiter`` parameter names, or None if simlab knows no such one."""
        cls = recruiter_class(name)
        return self._recruiter(cls) if cls is not None else None

    def recruiter_for(self, participant: Any) -> Recruiter:
        """The recruiter that brought ``participant`` (by its ``recruiter_id``)."""
        cls = recruiter_class(participant.recruiter_id)
        return self._recruiter(cls) if cls is not None else self.recruiter

    # -------------------------------------------------------------- networks

    def networks(self, role: str = "all", full: Any = "all") -> list[Any]:
        """The experiment's networks, filtered by role and fullness."""
        if full not in ("all", True, False):
            raise ValueError(f"full must be boolean or all, it cannot be {full}")
        rows = self.store.open_networks() if full is False else self.store.rows("network")
        return [n for n in rows if (role == "all" or n.role == role) and (full == "all" or n.full == full)]

    def create_network(self) -> Any:
        """Return a new, unsaved network; override it (the base makes an Empty one)."""
        return Empty()

    def setup(self) -> None:
        """Create the practice and experiment networks, only if there are none yet."""
        if self.store.count("network"):
            return
        for role, repeats in (("practice", self.practice_repeats), ("experiment", self.experiment_repeats)):
            for _ in range(repeats):
                network = self.create_network()
                network.role = role
                self.store.add(network)

    def on_launch(self) -> None:
        """Called by ``POST /launch`` after ``setup``."""

    def get_network_for_participant(self, participant: Any) -> Any:
        """The first open practice network, else ``choose_network`` among open ones.

        Networks where the participant already has a node (failed ones count) are skipped.
        """
        joined = {n.network_id for n in self.store.nodes_of_participant(participant.id)}
        candidates = [net for net in self.store.open_networks() if net.id not in joined]
        if not candidates:
            return None
        for net in candidates:
            if net.role == "practice":
                return net
        return self.choose_network(candidates, participant)

    def choose_network(self, networks: list[Any], participant: Any) -> Any:
        return self.random.choice(networks)

    def create_node(self, participant: Any, network: Any) -> Any:
        return Node(network=network, participant=participant)

    def add_node_to_network(self, node: Any, network: Any) -> None:
        network.add_node(node)

    # ---------------------------------------------------------- participants

    def normalize_entry_information(self, entry_information: dict[str, Any]) -> dict[str, Any]:
        """Map recruiter-specific entry keys to ``worker_id``/``hit_id``/``assignment_id``.

        camelCase keys win; snake_case ones are used only when camelCase is absent
        (otherwise they stay in ``entry_information``, spec 4.27).
        """
        info = dict(entry_information)
        data: dict[str, Any] = {}
        aliases = {"hit_id": ("hitId", "STUDY_ID"), "assignment_id": ("assignmentId", "SESSION_ID"),
                   "worker_id": ("workerId", "PROLIFIC_PID")}
        for name, (camel, prolific) in aliases.items():
            for key in (camel, prolific, name):
                if key in info:
                    data[name] = info.pop(key)
                    break
            else:
                data[name] = None
        if info:
            data["entry_information"] = info
        return data

    def create_participant(
        self,
        worker_id: str,
        hit_id: str,
        assignment_id: str,
        mode: str,
        recruiter_name: str | None = None,
        fingerprint_hash: str | None = None,
        entry_information: Any = None,
    ) -> Any:
        participant = self.participant_constructor(
            recruiter_id=recruiter_name,
            worker_id=worker_id,
            assignment_id=assignment_id,
            hit_id=hit_id,
            mode=mode,
            fingerprint_hash=fingerprint_hash,
            entry_information=entry_information,
        )
        self.store.add(participant)
        return participant

    def load_participant(self, assignment_id: str) -> Any:
        """The one participant with ``assignment_id``, or None (also when several match)."""
        rows = self.store.participants_by_assignment(assignment_id)
        return rows[0] if len(rows) == 1 else None

    def nonfailed_count(self) -> int:
        counts = self.store.status_counts()
        return sum(counts.get(status, 0) for status in NONFAILED_STATUSES)

    def is_overrecruited(self, waiting_count: int) -> bool:
        return bool(self.quorum) and waiting_count > self.quorum

    def fail_participant(self, participant: Any) -> None:
        """Fail the participant's live nodes (the participant row itself stays)."""
        for node in participant.nodes():
            node.fail()

    def data_check_failed(self, participant: Any) -> None:
        self.fail_participant(participant)

    def attention_check_failed(self, participant: Any) -> None:
        self.fail_participant(participant)

    def assignment_abandoned(self, participant: Any) -> None:
        self.fail_participant(participant)

    def assignment_returned(self, participant: Any) -> None:
        self.fail_participant(participant)

    def assignment_reassigned(self, participant: Any) -> None:
        self.fail_participant(participant)

    def participant_task_completed(self, participant: Any) -> None:
        """Called by ``/worker_complete``; Dallinger assigns qualifications here."""

    def data_check(self, participant: Any) -> bool:
        return True

    def attention_check(self, participant: Any) -> bool:
        return True

    def bonus(self, participant: Any) -> float:
        return 0

    def bonus_reason(self) -> str:
        return "Thank for participating! Here is your bonus."

    def submission_successful(self, participant: Any) -> None:
        pass

    def on_recruiter_submission_complete(self, participant: Any, event: Any = None) -> None:
        """Pay, check, and approve (or reject) a submitted participant (spec 4.21).

        Dallinger 9.x named this hook ``on_assignment_submitted_to_recruiter``; an
        experiment of that era overrides that name, so the work is done there.
        """
        self.on_assignment_submitted_to_recruiter(participant=participant, event=event)

    def on_assignment_submitted_to_recruiter(self, participant: Any, event: Any = None) -> None:
        """Dallinger 9.x's name of ``on_recruiter_submission_complete`` (what it does, see there)."""
        participant.base_pay = float(self.config.get("base_payment"))
        if not self.data_check(participant=participant):
            participant.status = "bad_data"
            self.data_check_failed(participant=participant)
            self.recruiter.recruit(n=1)
            return
        bonus = self.bonus(participant=participant)
        if bonus >= 0.01:
            participant.bonus = float(bonus)
        if not self.attention_check(participant=participant):
            participant.status = "did_not_attend"
            self.attention_check_failed(participant=participant)
            self.recruiter.recruit(n=1)
            return
        participant.status = "approved"
        self.submission_successful(participant=participant)
        self.recruit()

    def recruit(self) -> None:
        """Close recruitment once every network is full; recruit no one more."""
        if not self.networks(full=False):
            self.recruiter.close_recruitment()

    def is_complete(self) -> bool | None:
        return None

    def log(self, text: str, key: str = "?????", force: bool = False) -> None:
        if self.verbose or force:
            logger.info(">>>> %s %s", key, text)

    def log_summary(self) -> list[list[Any]]:
        """``[[status, count], ...]`` sorted by status."""
        return [[status, n] for status, n in sorted(self.store.status_counts().items())]

    # --------------------------------------------------------- request hooks

    def node_post_request(self, participant: Any, node: Any) -> None:
        pass

    def node_get_request(self, node: Any, nodes: Any) -> None:
        pass

    def vector_post_request(self, node: Any, vectors: Any) -> None:
        pass

    def vector_get_request(self, node: Any, vectors: Any) -> None:
        pass

    def info_post_request(self, node: Any, info: Any) -> None:
        pass

    def info_get_request(self, node: Any, infos: Any) -> None:
        pass

    def transmission_post_request(self, node: Any, transmissions: Any) -> None:
        pass

    def transmission_get_request(self, node: Any, transmissions: Any) -> None:
        pass

    def transformation_post_request(self, node: Any, transformation: Any) -> None:
        pass

    def transformation_get_request(self, node: Any, transformations: Any) -> None:
        pass
