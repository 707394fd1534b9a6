"""What simlab knows of an oTree app: its URL name, group size, rounds and page names.

An oTree project's apps give these from their own ``C`` / ``Constants`` class and
``page_sequence`` (``simlab.domain.otree.project`` reads them); a simlab study
file has no apps, so its configs' group sizes come from its ``players_per_group``
keys instead (a simlab-only setting, never echoed).  oTree itself learns a
session's group size the same way from the apps: the least common multiple of
their ``PLAYERS_PER_GROUP`` (``None`` counting as 1), and lists the pages of
round 1 of the first app first, at ``/p/<participant>/<NAME_IN_URL>/<Page>/<index>``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class App:
    """One oTree app as a session config's ``app_sequence`` names it."""

    name: str
    name_in_url: str
    players_per_group: int | None = None
    num_rounds: int = 1
    #: The class names of ``page_sequence``, in order.
    pages: tuple[str, ...] = ()
    #: The module's ``doc`` string (``GET /api/apps``).
    doc: str = ""


@dataclass(frozen=True)
class PageAt:
    """The page a participant is on: oTree's ``PageLookup`` without the classes."""

    app: App
    page: str
    round_number: int
    index: int

    def url(self, participant_code: str) -> str:
        return f"/p/{participant_code}/{self.app.name_in_url}/{self.page}/{self.index}"


def lcm_group_size(apps: Iterable[App]) -> int:
    """oTree's ``SessionConfig.get_lcm``: the least common multiple of the apps' group sizes."""
    return math.lcm(1, *(app.players_per_group or 1 for app in apps))


def page_at(apps: Iterable[App], index: int) -> PageAt | None:
    """The ``index``-th page (1-based) of a session over ``apps``, each round in turn; None past the end."""
    i = 1
    for app in apps:
        for round_number in range(1, app.num_rounds + 1):
            for page in app.pages:
                if i == index:
                    return PageAt(app, page, round_number, index)
                i += 1
    return None


def num_pages(apps: Iterable[App]) -> int:
    """oTree's ``_max_page_index``: every page of every round of every app."""
    return sum(app.num_rounds * len(app.pages) for app in apps)


def apps_of(known: Mapping[str, App], app_sequence: Iterable[str]) -> list[App] | None:
    """The apps of ``app_sequence`` when every one is known; None otherwise (a study file)."""
    out = []
    for name in app_sequence:
        app = known.get(name)
        if app is None:
            return None
        out.append(app)
    return out
