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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from simlab.engine import Bot, NoNetworkAvailable, WaitTime, between, constant

DEFAULT_STORY = "the war of the ghosts: two young men went down to the river to hunt seals"

#: Where a dropping-out participant walks away.
DROP_POINTS = ("after_signup", "after_node", "after_info")

Respond = Callable[[Bot, list[dict[str, Any]]], str]


def retell(bot: Bot, received: list[dict[str, Any]]) -> str:
    """Retell the newest received story with small seeded changes; start one if none came."""
    story = str(received[-1]["contents"]) if received else bot.options.get("story", DEFAULT_STORY)
    words = story.split()
    if len(words) > 3 and bot.random.random() < 0.3:
        del words[bot.random.randrange(len(words))]
    if len(words) > 1 and bot.random.random() < 0.3:
        i = bot.random.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


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
        poll: the pause between polls.
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


async def _receive(bot: Bot, opts: ParticipantOptions, node_id: int) -> list[dict[str, Any]]:
    """Receive what the node's parents sent, polling (bounded) while they have not sent yet."""
    d = bot.dallinger
    has_parent = bool(await d.get_neighbors(node_id, connection="from"))
    waited = 0.0
    while True:
        await d.get_transmissions(node_id)  # marks pending transmissions received
        received = await d.get_received_infos(node_id)
        if received or not has_parent or waited >= opts.wait_for_infos:
            bot.decide("received", len(received))
            return received
        waited += await bot.think(opts.poll)


async def participant(bot: Bot) -> None:
    """Take part in a Dallinger experiment as one participant (see the module docstring)."""
    opts = ParticipantOptions.from_mapping(bot.options)
    drop_at = bot.choice("drop_at", DROP_POINTS) if bot.chance("drop_out", opts.drop_out) else None
    fails = bot.chance("fail", opts.failure)
    d = bot.dallinger
    tag = f"{bot.id}x{bot.random.getrandbits(32):08x}"
    me = await d.create_participant(f"W{tag}", opts.hit_id, f"A{tag}", opts.mode, recruiter=opts.recruiter)
    pid = int(me["id"])
    bot.decide("participant", pid)
    await bot.think(opts.read)
    if drop_at == "after_signup":
        return
    for _ in range(opts.nodes):
        try:
            node = await d.create_node(pid)
        except NoNetworkAvailable:
            bot.decide("no_network", True)
            break
        node_id = int(node["id"])
        bot.decide("node", node_id)
        if drop_at == "after_node":
            return
        received = await _receive(bot, opts, node_id)
        await bot.think(opts.think)
        contents = bot.decide("contents", opts.respond(bot, sorted(received, key=lambda i: i["id"])))
        await d.create_info(node_id, contents)
        await d.transmit(node_id)
        if drop_at == "after_info":
            return
    answers = {"engagement": bot.random.randint(1, 5), "difficulty": bot.random.randint(1, 5)}
    await d.post_question(pid, "questionnaire", json.dumps(bot.decide("questionnaire", answers)), 1)
    if fails:
        await d.worker_failed(pid)
    else:
        await d.worker_complete(pid)
