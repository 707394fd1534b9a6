"""External callers of oTree's REST API, as Locust-shaped task bots.

* :class:`SurveyWebhook`: the survey-webhook pattern. A survey site posts each
  participant's answers to ``POST /api/participant_vars`` by room and label,
  before that participant arrives in the room; the server keeps them and
  applies them on arrival.
* :class:`Experimenter`: creates a session in a room (``POST /api/sessions``),
  then posts session vars mid-run (``POST /api/session_vars/<code>``, or the
  oTree 3.0 form by room).
* :class:`ResultsReader`: reads the room's session with ``get_session``, with the
  participant and session vars it asks for, a few times during the run.

They use ``bot.otree`` (:class:`simlab.engine.OTreeClient`), which sends the run's
``otree-rest-key``; they work against simlab and a real oTree server alike.

Example::

    callers=[
        Population(SurveyWebhook, 1, options={"room": "lab", "labels": LABELS}),
        Population(Experimenter, 1, start=0.5, options={"config": "study", "room": "lab",
                                                        "session_vars": [{"phase": "main"}]}),
    ]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from simlab import Bot, OTreeClient, StopBot, constant, task

#: ``answers(bot, label) -> vars``: what the survey sends for one label.
Answers = Callable[[Bot, str], dict[str, Any]]


def survey_answers(bot: Bot, label: str) -> dict[str, Any]:
    """A survey's answers for ``label``, drawn from the bot's seeded generator."""
    return {
        "treatment": bot.random.choice(("social", "solo")),
        "age": bot.random.randint(18, 70),
        "survey_id": f"S-{label}",
    }


def read_options(bot: Bot, required: tuple[str, ...], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The bot's options with defaults filled in; a missing or unknown key raises ValueError."""
    known = set(required) | set(defaults)
    unknown = sorted(set(bot.options) - known)
    missing = [key for key in required if key not in bot.options]
    if unknown or missing:
        raise ValueError(f"{type(bot).__name__}: unknown options {unknown}, missing options {missing}; known: {sorted(known)}")
    return {**defaults, **bot.options}


async def current_session_code(client: OTreeClient, room: str) -> str | None:
    """The code of ``room``'s current session (``GET /api/rooms``), or None."""
    for item in await client.rooms():
        if item.get("name") == room:
            code = item.get("session_code")
            return str(code) if code else None
    raise ValueError(f"room {room!r} is not in GET /api/rooms")


class SurveyWebhook(Bot):
    """Posts each label's survey answers to the room, one label per task, then stops.

    Options: ``room``, ``labels`` (posted in order), ``answers`` (``answers(bot, label) -> vars``).
    """

    wait_time = constant(0.25)

    async def on_start(self) -> None:
        opts = read_options(self, ("room", "labels"), {"answers": survey_answers})
        self.room: str = opts["room"]
        self.pending: list[str] = list(opts["labels"])
        self.answers: Answers = opts["answers"]

    @task
    async def post_next_label(self) -> None:
        if not self.pending:
            raise StopBot
        label = self.pending.pop(0)
        vars = self.answers(self, label)
        self.decide("participant_vars", {"label": label, "vars": vars})
        await self.otree.participant_vars(self.room, label, vars)


class Experimenter(Bot):
    """Creates a session (in a room), then posts session vars mid-run, one set per task.

    Options: ``config`` (the session config name), ``num_participants`` (None: oTree's
    default), ``room``, ``label``, ``modified`` (``modified_session_config_fields``),
    ``session_vars`` (a list of dicts, posted in order, ``wait_time`` apart),
    ``first_after`` (seconds between creating the session and the first post),
    ``by_room`` (post with oTree 3.0's ``POST /api/session_vars`` by room).
    """

    wait_time = constant(5.0)
    defaults: ClassVar[dict[str, Any]] = {
        "num_participants": None,
        "room": None,
        "label": None,
        "modified": None,
        "session_vars": (),
        "first_after": 5.0,
        "by_room": False,
    }

    async def on_start(self) -> None:
        opts = read_options(self, ("config",), self.defaults)
        self.opts = opts
        self.to_post: list[dict[str, Any]] = [dict(v) for v in opts["session_vars"]]
        created = await self.otree.create_session(
            opts["config"], opts["num_participants"], modified_session_config_fields=opts["modified"],
            room_name=opts["room"], label=opts["label"],
        )
        self.code: str = self.observe("session", str(created["code"]))
        await self.think(opts["first_after"])

    @task
    async def post_session_vars(self) -> None:
        if not self.to_post:
            raise StopBot
        vars = self.decide("session_vars", self.to_post.pop(0))
        if self.opts["by_room"]:
            await self.otree.room_session_vars(self.opts["room"], vars)
        else:
            await self.otree.session_vars(self.code, vars)


class ResultsReader(Bot):
    """Reads the room's (or a given) session with ``get_session`` every ``wait_time``, ``reads`` times.

    Options: ``room`` or ``session`` (a code), ``participant_vars`` and ``session_vars``
    (names to include), ``reads``.  The last answer is kept as ``self.last``.
    """

    wait_time = constant(2.0)
    defaults: ClassVar[dict[str, Any]] = {"room": None, "session": None, "participant_vars": (), "session_vars": (), "reads": 5}

    async def on_start(self) -> None:
        self.opts = read_options(self, (), self.defaults)
        if not (self.opts["room"] or self.opts["session"]):
            raise ValueError("ResultsReader needs option 'room' or 'session'")
        self.done = 0
        self.last: dict[str, Any] | None = None

    @task
    async def read(self) -> None:
        if self.done >= self.opts["reads"]:
            raise StopBot
        self.done += 1
        code = self.opts["session"] or await current_session_code(self.otree, self.opts["room"])
        if code is None:
            self.observe("read", None)
            return
        self.last = await self.otree.get_session(
            code, participant_vars=list(self.opts["participant_vars"]), session_vars=list(self.opts["session_vars"])
        )
        arrived = [p for p in self.last["participants"] if p.get("label")]
        with_vars = sum(all(v in p for v in self.opts["participant_vars"]) for p in arrived)
        self.observe("read", {"arrived": len(arrived), "with_vars": with_vars})
