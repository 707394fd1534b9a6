"""A Dallinger participant, from sign-up to completion, as one flow.

The protocol follows Dallinger's own HTTP bots and its ``dallinger2.js`` client:

1. ``POST /participant/<worker>/<hit>/<assignment>/debug``: sign up;
2. ``POST /node/<pid>``: get a node (a bare 403 ``{"status": "error"}`` means no
   network is left: stop taking nodes and finish cleanly);
3. ``GET /node/<id>/transmissions`` (receives pending ones), then
   ``GET /node/<id>/received_infos``: read what the network sent;
4. ``POST /info/<node>`` with contents, then ``POST /node/<id>/transmit``;
5. ``POST /question/<pid>`` (question=questionnaire, number=1, response=JSON);
6. ``GET /worker_complete?participant_id=`` or ``/worker_failed``.

The steps are importable on their own: :func:`sign_up`, then :func:`play` for
everything after it (an oTree room participant arrives another way and then
calls :func:`play`), with ``on_node`` choosing what happens on each node (steps 3-4).

Think times, drop-outs (the participant walks away: nothing more is sent) and
failures (``worker_failed`` instead of completing) are options drawn from the bot's
seeded generator.  The contents a participant writes come from ``respond``: by
default it retells what it received, dropping or swapping a word now and then
(a transmission chain in the style of Bartlett, 1932).

Example::

    Population(participant, count=20, rate=5, options={"drop_out": 0.1, "think": between(1, 3)})
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from simlab import Bot, NoNetworkAvailable, WaitTime, between, constant

DEFAULT_STORY = "the war of the ghosts: two young men went down to the river to hunt seals"

#: Where a dropping-out participant walks away.
DROP_POINTS = ("after_signup", "after_node", "after_info")

Respond = Callable[[Bot, list[dict[str, Any]]], str]
#: What a participant does with each node it gets: ``await on_node(bot, opts, node_json)``.
OnNode = Callable[[Bot, "ParticipantOptions", dict[str, Any]], Awaitable[None]]


def retell(bot: Bot, received: list[dict[str, Any]]) -> str:
    """Retell the newest received story with small seeded changes; start one if none came.

    The edits (drop a word? swap two? where, as a fraction of the story) are drawn and
    logged the same way whatever story arrived, so the decisions depend on the seed
    only; the words they land on depend on what the server delivered.
    """
    story = str(received[-1]["contents"]) if received else bot.options.get("story", DEFAULT_STORY)
    words = story.split()
    drop, drop_at, swap, swap_at = (bot.random.random() for _ in range(4))
    bot.decide("edits", {"drop": drop < 0.3, "drop_at": round(drop_at, 6), "swap": swap < 0.3, "swap_at": round(swap_at, 6)})
    if len(words) > 3 and drop < 0.3:
        del words[int(drop_at * len(words))]
    if len(words) > 1 and swap < 0.3:
        i = int(swap_at * (len(words) - 1))
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


async def receive(bot: Bot, opts: ParticipantOptions, node_id: int) -> list[dict[str, Any]]:
    """Receive what the node's parents sent, polling (bounded) while they have not sent yet.

    The pause doubles after each empty poll, up to ``poll_max``: a newcomer far down a
    long chain waits long for everyone ahead without flooding the server.
    """
    d = bot.dallinger
    has_parent = bool(await d.get_neighbors(node_id, connection="from"))
    waited = 0.0
    polls = 0
    while True:
        await d.get_transmissions(node_id)  # marks pending transmissions received
        received = await d.get_received_infos(node_id)
        if received or not has_parent or waited >= opts.wait_for_infos:
            bot.observe("received", len(received))
            return received
        waited += await bot.poll_wait(min(opts.poll(bot.timing) * 2**polls, max(opts.poll_max, 0.0)))
        polls = min(polls + 1, 30)


async def retell_and_pass_on(bot: Bot, opts: ParticipantOptions, node: dict[str, Any]) -> None:
    """The default work on a node: read what arrived, write ``respond``'s info, transmit it."""
    node_id = int(node["id"])
    received = await receive(bot, opts, node_id)
    await bot.think(opts.think)
    contents = bot.observe("contents", opts.respond(bot, sorted(received, key=lambda i: i["id"])))
    await bot.dallinger.create_info(node_id, contents)
    await bot.dallinger.transmit(node_id)


@dataclass(frozen=True)
class ParticipantOptions:
    """The participant's knobs, read from ``Population(options=...)``.

    Attributes:
        think: think time before writing each info.
        read: time spent on the instructions after signing up.
        drop_out: probability of walking away part-way.
        failure: probability of ending with ``worker_failed``.
        nodes: the most nodes to take (Dallinger experiments with several networks
            give a participant one node per network).
        mode: the mode path segment of sign-up.
        hit_id: the HIT id every participant signs up under.
        recruiter: the ``recruiter`` query value (e.g. ``"bots:MyBot"``).
        respond: ``respond(bot, received_infos) -> contents``.
        story: the first story of a chain for the default ``respond``.
        wait_for_infos: when the node has a parent, how long (seconds) to keep polling
            for its transmissions before writing anyway (a real page waits too).
        poll: the first pause between polls (:meth:`~simlab.engine.Bot.poll_wait`: not a decision).
        poll_max: the longest pause; each empty poll doubles the pause up to it.
        on_node: what to do with each node (default :func:`retell_and_pass_on`; a
            group study passes its own exchange).
    """

    think: WaitTime = between(0.5, 2.0)
    read: WaitTime = constant(1.0)
    drop_out: float = 0.0
    failure: float = 0.0
    nodes: int = 1
    mode: str = "debug"
    hit_id: str = "simlab-hit"
    recruiter: str | None = None
    respond: Respond = retell
    story: str = DEFAULT_STORY
    wait_for_infos: float = 30.0
    poll: WaitTime = constant(0.5)
    poll_max: float = 2.0
    on_node: OnNode = retell_and_pass_on

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> ParticipantOptions:
        """Build from a population's options; unknown keys raise ``ValueError``."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"unknown dallinger_participant option(s) {unknown}; known: {sorted(known)}")
        made = cls(**options)
        for name in ("drop_out", "failure"):
            value = getattr(made, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"option {name} must be a probability in [0, 1], got {value}")
        return made


@dataclass(frozen=True)
class Plan:
    """What the participant will do, drawn before it starts: where it drops out, whether it fails."""

    drop_at: str | None
    fails: bool

    @classmethod
    def draw(cls, bot: Bot, opts: ParticipantOptions) -> Plan:
        """Draw the plan from the bot's generator (and log it)."""
        drop_at = bot.choice("drop_at", DROP_POINTS) if bot.chance("drop_out", opts.drop_out) else None
        return cls(drop_at, bot.chance("fail", opts.failure))


async def sign_up(bot: Bot, opts: ParticipantOptions) -> int:
    """``POST /participant/...`` with fresh seeded worker and assignment ids; return the participant id."""
    tag = f"{bot.id}x{bot.random.getrandbits(32):08x}"
    me = await bot.dallinger.create_participant(f"W{tag}", opts.hit_id, f"A{tag}", opts.mode, recruiter=opts.recruiter)
    return bot.observe("participant", int(me["id"]))


async def play(bot: Bot, opts: ParticipantOptions, pid: int, plan: Plan) -> None:
    """Everything after sign-up: nodes, infos, questionnaire, completion.

    Any way in that yields a participant id (Dallinger's sign-up, an oTree room)
    continues here, so every participant plays the same protocol.
    """
    d = bot.dallinger
    await bot.think(opts.read)
    if plan.drop_at == "after_signup":
        return
    for _ in range(opts.nodes):
        try:
            node = await d.create_node(pid)
        except NoNetworkAvailable:
            bot.observe("no_network", True)
            break
        bot.observe("node", int(node["id"]))
        if plan.drop_at == "after_node":
            return
        await opts.on_node(bot, opts, node)
        if plan.drop_at == "after_info":
            return
    answers = {"engagement": bot.random.randint(1, 5), "difficulty": bot.random.randint(1, 5)}
    await d.post_question(pid, "questionnaire", json.dumps(bot.decide("questionnaire", answers)), 1)
    if plan.fails:
        await d.worker_failed(pid)
    else:
        await d.worker_complete(pid)


async def participant(bot: Bot) -> None:
    """Take part in a Dallinger experiment as one participant (see the module docstring)."""
    opts = ParticipantOptions.from_mapping(bot.options)
    plan = Plan.draw(bot, opts)
    pid = await sign_up(bot, opts)
    await play(bot, opts, pid, plan)
