"""An oTree room participant: arrives by label, then plays the Dallinger participant flow.

What a participant's browser does with a room link (spec: otree-rest.md, "Rooms"):

1. ``GET /room/<room>?participant_label=L``: a 302 to the participant's start link
   once the room has a session (before that, a waiting page that reloads itself:
   the bot polls, bounded);
2. ``GET /InitializeParticipant/<code>``: a 302 to the experiment's page,
   ``/exp?participant_id=<id>&hit_id=..&assignment_id=..&worker_id=..&mode=otree&participant_code=<code>``;
3. ``GET /exp?...``: the page; the participant id comes from this final URL's query.

From there the participant is an ordinary Dallinger participant:
:func:`bots.dallinger_participant.play` runs the rest (node, infos, questionnaire,
completion), so both ways in share one protocol.

Options (``Population(options=...)``): ``room`` (required), ``labels`` (bot number
``i`` of the population takes ``labels[i]``), ``wait_for_session`` and
``session_poll``; every other key is a :class:`~simlab.bots.dallinger_participant.ParticipantOptions` field.

Example::

    Population(room_participant, count=8, rate=2, options={"room": "lab", "labels": LABELS})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from simlab.bots.dallinger_participant import ParticipantOptions, Plan, play
from simlab import ApiError, Bot, WaitTime, constant

#: Redirects followed at most (a loop must not keep a bot busy forever).
MAX_HOPS = 10


class RoomTimeout(Exception):
    """The room still had no session when the bot stopped waiting."""


@dataclass(frozen=True)
class RoomOptions:
    """How the participant finds its way in.

    Attributes:
        room: the room name in ``/room/<room>``.
        labels: the labels handed out, one per bot of the population, in order.
        wait_for_session: how long (seconds) to keep reloading a room without a session.
        session_poll: the pause between reloads.
    """

    room: str
    labels: Sequence[str] = ()
    wait_for_session: float = 60.0
    session_poll: WaitTime = constant(1.0)

    def label_for(self, bot: Bot) -> str:
        """The label of this bot: ``labels[bot.index]``."""
        if bot.index >= len(self.labels):
            raise ValueError(
                f"room participant #{bot.index} has no label: option labels holds {len(self.labels)}; "
                "run at most that many room participants"
            )
        return self.labels[bot.index]


def split_options(options: Mapping[str, Any]) -> tuple[RoomOptions, ParticipantOptions]:
    """Separate the room's options from the Dallinger participant's."""
    room_keys = set(RoomOptions.__dataclass_fields__)
    if "room" not in options:
        raise ValueError("room_participant needs option 'room' (the room name)")
    room = RoomOptions(**{k: v for k, v in options.items() if k in room_keys})
    return room, ParticipantOptions.from_mapping({k: v for k, v in options.items() if k not in room_keys})


def route_name(path: str) -> str:
    """The stats name of a page on the way in, ids templated out."""
    parts = path.strip("/").split("/")
    if parts[0] == "room":
        return "GET /room/<room>"
    if parts[0] == "InitializeParticipant":
        return "GET /InitializeParticipant/<code>"
    return f"GET {path}"


def _page_or_redirect(response: httpx.Response) -> str | None:
    return None if response.is_success or response.is_redirect else f"HTTP {response.status_code}"


@dataclass(frozen=True)
class Arrival:
    """Where the room sent the participant: its Dallinger id and oTree code."""

    participant_id: int
    participant_code: str | None
    url: str


async def arrive(bot: Bot, room: RoomOptions, label: str) -> Arrival:
    """Open the room link with ``label`` and follow the redirects to the experiment page."""
    url = httpx.URL(f"/room/{room.room}", params={"participant_label": label})
    waited = 0.0
    hops = 0
    while True:
        response = await bot.otree.request("GET", str(url), name=route_name(url.path), check=_page_or_redirect)
        if response.is_redirect:
            hops += 1
            if hops > MAX_HOPS:
                raise ApiError(route_name(url.path), response.status_code, f"more than {MAX_HOPS} redirects", response)
            url = url.join(response.headers["location"])
            continue
        if url.path.startswith("/room/"):  # the waiting page: no session in the room yet
            if waited >= room.wait_for_session:
                raise RoomTimeout(f"room {room.room!r} had no session after {waited:g} s")
            waited += await bot.poll_wait(room.session_poll)
            continue
        pid = url.params.get("participant_id")
        if pid is None:
            raise ApiError(route_name(url.path), response.status_code, f"no participant_id in the final URL {url}", response)
        return Arrival(int(pid), url.params.get("participant_code"), str(url))


async def room_participant(bot: Bot) -> None:
    """Arrive through the room by label, then take part as a Dallinger participant."""
    room, opts = split_options(bot.options)
    plan = Plan.draw(bot, opts)
    label = room.label_for(bot)
    arrival = await arrive(bot, room, label)
    bot.observe("arrived", {"label": label, "participant_id": arrival.participant_id, "code": arrival.participant_code})
    await play(bot, opts, arrival.participant_id, plan)
