"""Recruiters, as far as they change what the API does (spec 7.3).

simlab recruits no one: HotAir-style recruiters log the ``/ad`` URLs a person or
a bot would open.  What differs between recruiters is the status
``/worker_complete`` sets, the worker event it runs, and questionnaire rules.
"""

from __future__ import annotations

import logging
import random
import string
from typing import Any

logger = logging.getLogger("simlab.recruiters")

NEW_RECRUIT_LOG_PREFIX = "New participant requested:"


def random_id(rng: random.Random, size: int = 6) -> str:
    """An id like Dallinger's ``generate_random_id``: upper-case letters and digits."""
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(size))


class Recruiter:
    """HotAir: recruits by logging ad URLs; completion goes submitted → approved."""

    nickname = "hotair"
    completion_status = "submitted"
    completion_event: str | None = "RecruiterSubmissionComplete"

    def __init__(self, rng: random.Random, base_url: str = "http://127.0.0.1:5000", mode: str = "debug") -> None:
        self.rng = rng
        self.base_url = base_url
        self.mode = mode
        self.open = False

    def open_recruitment(self, n: int = 1) -> dict[str, Any]:
        self.open = True
        # HotAir's message in Dallinger 12.4.0 (observed on a real server, tests/differential)
        message = (
            f"\nSingle recruitment link: {self.base_url}/ad?recruiter={self.nickname}&generate_tokens=1&mode={self.mode}\n\n"
            "Recruitment requests will open browser windows automatically."
        )
        return {"items": self.recruit(n), "message": message}

    def recruit(self, n: int = 1) -> list[str]:
        urls = []
        for _ in range(n):
            url = (
                f"{self.base_url}/ad?recruiter={self.nickname}&assignmentId={random_id(self.rng)}"
                f"&hitId={random_id(self.rng)}&workerId={random_id(self.rng)}&mode={self.mode}"
            )
            logger.info("%s %s", NEW_RECRUIT_LOG_PREFIX, url)
            urls.append(url)
        return urls

    def close_recruitment(self) -> None:
        self.open = False

    def rejects_questionnaire_from(self, participant: Any) -> str | None:
        return None

    def on_task_completion(self) -> tuple[str, str | None]:
        return self.completion_status, self.completion_event


class CLIRecruiter(Recruiter):
    nickname = "cli"


class SimulatedRecruiter(Recruiter):
    nickname = "sim"


class BotRecruiter(Recruiter):
    """Recruits bots: each ad URL goes to ``dispatch`` (the bot runner), if one listens.

    Completion approves without checks, as Dallinger's bot recruiter does.  The
    ad URLs carry ``mode=sandbox`` as Dallinger's do.
    """

    nickname = "bots"
    completion_event = "BotRecruiterSubmissionComplete"

    def __init__(self, rng: random.Random, base_url: str = "http://127.0.0.1:5000", mode: str = "debug") -> None:
        super().__init__(rng, base_url, "sandbox")
        #: Called with each ad URL; must not block (it runs inside a domain operation).
        self.dispatch: Any = None

    def open_recruitment(self, n: int = 1) -> dict[str, Any]:
        self.open = True
        return {"items": self.recruit(n), "message": "Bot recruitment started"}

    def recruit(self, n: int = 1) -> list[str]:
        urls = super().recruit(n)
        if self.dispatch is not None:
            for url in urls:
                self.dispatch(url)
        return urls


class MTurkRecruiter(Recruiter):
    """Completion waits for the platform's notification."""

    nickname = "mturk"
    completion_status = "recruiter_submission_started"
    completion_event = None

    def rejects_questionnaire_from(self, participant: Any) -> str | None:
        if participant.status != "working":
            return (
                "This participant has already sumbitted their HIT on MTurk and can no longer "
                "submit the questionnaire"
            )
        return None


class MTurkLargeRecruiter(MTurkRecruiter):
    nickname = "mturklarge"


class ProlificRecruiter(MTurkRecruiter):
    nickname = "prolific"

    def rejects_questionnaire_from(self, participant: Any) -> str | None:
        return None


class DevProlificRecruiter(ProlificRecruiter):
    nickname = "devprolific"


RECRUITERS: dict[str, type[Recruiter]] = {
    cls.nickname: cls
    for cls in (
        Recruiter,
        CLIRecruiter,
        SimulatedRecruiter,
        BotRecruiter,
        MTurkRecruiter,
        MTurkLargeRecruiter,
        ProlificRecruiter,
        DevProlificRecruiter,
    )
}


def recruiter_class(name: str | None) -> type[Recruiter] | None:
    """The recruiter a participant's ``recruiter_id`` names (``bots:<Class>`` is bots)."""
    if name is None:
        return None
    if name.startswith("bots:"):
        return BotRecruiter
    found = RECRUITERS.get(name)
    if found is None:
        # an experiment's own recruiter: a subclass naming itself, as Dallinger's ``by_name`` finds it
        pending = list(Recruiter.__subclasses__())
        while pending and found is None:
            cls = pending.pop()
            found = cls if getattr(cls, "nickname", None) == name else None
            pending.extend(cls.__subclasses__())
    return found
