"""``dallinger.bots``: the base classes of experiments' own bots (spec section 11).

``BotBase`` drives the experiment's pages in a Selenium WebDriver (Debian's
chromium and chromium-driver, headless); ``HighPerformanceBotBase`` speaks the
HTTP API directly.  Both follow Dallinger's flow: ``sign_up``, the experiment's
``participate``, ``sign_off``, then ``complete_experiment``.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import threading
import time
import uuid
from functools import cached_property
from typing import Any
from urllib import parse

import httpx

from ..config import get_config
from ...errors import RunUnavailable
from ..surface import module_getattr
from . import browsers

logger = logging.getLogger("simlab.bots")

#: ``webdriver_type`` values simlab can open (a headless chromium either way).
CHROME_TYPES = {"chrome_headless", "chrome"}


class WebDriverUnavailable(RunUnavailable):
    """The configured ``webdriver_type`` cannot be opened on this machine."""


def _first(query: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for name in names:
        if name in query:
            return query[name][0]
    return ""


def open_chromium(webdriver_type: str = "chrome_headless") -> Any:
    """A headless Selenium Chrome on Debian's chromium, window 1024x768."""
    if webdriver_type.lower() not in CHROME_TYPES:
        raise WebDriverUnavailable(
            f"webdriver_type = {webdriver_type} needs a browser simlab does not drive; use chrome_headless"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1024,768"):
        options.add_argument(arg)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        raise WebDriverUnavailable("Selenium bots need chromium and chromium-driver (apt-get install chromium chromium-driver)")
    # chromedriver (and the Chromium it starts) in a session of its own, reaped if the run is stopped
    service = Service(driver_path, popen_kw={"start_new_session": True})
    driver = webdriver.Chrome(service=service, options=options)
    browsers.register(service.process.pid)
    return driver


class BotBase:
    """A bot that takes part through the experiment's own pages in a real browser."""

    def __init__(self, URL: str, assignment_id: str = "", worker_id: str = "", participant_id: str = "", hit_id: str = "") -> None:
        if not URL:
            return
        self.URL = URL
        parts = parse.urlparse(URL)
        query = parse.parse_qs(parts.query)
        assignment_id = assignment_id or _first(query, ("assignment_id", "assignmentId"))
        participant_id = participant_id or _first(query, ("participant_id", "participantId"))
        if not participant_id and not parts.path.endswith("/ad"):
            raise ValueError(f"Failed to extract participant_id from URL: {URL}")
        self.assignment_id = assignment_id
        self.participant_id = participant_id
        self.worker_id = worker_id or _first(query, ("worker_id", "workerId"))
        self.hit_id = hit_id or _first(query, ("hit_id", "hitId"))
        self.unique_id = self.worker_id + ":" + self.assignment_id

    def log(self, msg: str) -> None:
        logger.info("%s: %s", self.participant_id, msg)

    @cached_property
    def driver(self) -> Any:
        try:
            webdriver_type = get_config().get("webdriver_type", "chrome_headless")
        except RuntimeError:
            webdriver_type = "chrome_headless"
        return open_chromium(webdriver_type)

    def _wait_clickable(self, by: str, value: str, timeout: float) -> Any:
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(EC.element_to_be_clickable((by, value)))

    def sign_up(self) -> bool:
        """Ad, the consent popup, Begin; the participant id comes from the new page's URL."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By

        try:
            self.driver.get(self.URL)
            self._wait_clickable(By.CSS_SELECTOR, "button.btn-primary, button.btn-success", 10).click()
            deadline = time.monotonic() + 10
            while len(self.driver.window_handles) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.driver.switch_to.window(self.driver.window_handles[-1])
            self._wait_clickable(By.ID, "consent", 10).click()
            self._wait_clickable(By.CSS_SELECTOR, ".btn-success", 10).click()
            if not self.participant_id:
                # the start button navigates to a page whose URL names the participant
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    query = parse.parse_qs(parse.urlparse(self.driver.current_url).query)
                    self.participant_id = _first(query, ("participant_id", "participantId"))
                    if self.participant_id:
                        break
                    time.sleep(0.05)
                else:
                    raise ValueError(f"Failed to extract participant_id from URL after sign-up: {self.driver.current_url}")
            return True
        except TimeoutException:
            logger.error("Error during experiment sign up.")
            return False

    def participate(self) -> bool:
        """The experiment's task; bots override it."""
        logger.error("Bot class does not define participate method.")
        raise NotImplementedError

    def complete_questionnaire(self) -> None:
        """Find the standard questionnaire's fields; like Dallinger's bots, leave their answers as they are."""
        from selenium.webdriver.common.by import By

        for field in ("difficulty", "engagement"):
            self.driver.find_element(By.ID, field)

    def sign_off(self) -> bool:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.by import By

        try:
            submit = self._wait_clickable(By.ID, "submit-questionnaire", 20)
            self.complete_questionnaire()
            submit.click()
            time.sleep(1)
            self.driver.switch_to.window(self.driver.window_handles[0])
            return True
        except TimeoutException:
            logger.error("Error during experiment sign off.")
            return False

    def complete_experiment(self, status: str) -> None:
        url = f"{self.host}/{status}?participant_id={self.participant_id}"
        self.driver.get(url)

    @property
    def host(self) -> str:
        parts = parse.urlparse(self.URL)
        return f"{parts.scheme}://{parts.netloc}"

    def run_experiment(self) -> None:
        """Sign up, participate, sign off; then worker_complete (or worker_failed)."""
        try:
            self.sign_up()
            self.participate()
            if self.sign_off():
                self.complete_experiment("worker_complete")
            else:
                self.complete_experiment("worker_failed")
        finally:
            if "driver" in self.__dict__:
                pid = self.driver.service.process.pid
                try:
                    self.driver.quit()
                finally:
                    browsers.unregister(pid)


_shared_client: list[httpx.Client] = []
_client_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """One keep-alive HTTP client for every HTTP bot of the process (thread-safe; built once)."""
    with _client_lock:
        if not _shared_client:
            _shared_client.append(httpx.Client(timeout=30, limits=httpx.Limits(max_connections=256)))
        return _shared_client[0]


class HighPerformanceBotBase(BotBase):
    """A bot that takes part over HTTP only, no browser."""

    @property
    def driver(self) -> Any:  # type: ignore[override]
        raise NotImplementedError("HighPerformanceBotBase bots have no browser")

    def run_experiment(self) -> None:
        self.sign_up()
        self.participate()
        if self.sign_off():
            self.complete_experiment("worker_complete")
        else:
            self.complete_experiment("worker_failed")

    def stochastic_sleep(self) -> None:
        time.sleep(max(1.0 / random.expovariate(0.5), 10.0))

    def sign_up(self) -> bool:
        url = (
            f"{self.host}/participant/{self.worker_id}/{self.hit_id}/{self.assignment_id}/debug"
            f"?fingerprint_hash={uuid.uuid4().hex}&recruiter=bots:{type(self).__name__}"
        )
        while True:
            try:
                result = shared_client().post(url)
                result.raise_for_status()
                data = result.json()
            except (httpx.HTTPError, ValueError):
                self.stochastic_sleep()
                continue
            if data.get("status") == "error":
                self.stochastic_sleep()
                continue
            self.on_signup(data)
            return True

    def on_signup(self, data: dict[str, Any]) -> None:
        self.participant_id = data["participant"]["id"]

    @property
    def question_responses(self) -> dict[str, int]:
        return {"engagement": 4, "difficulty": 3}

    def complete_questionnaire(self) -> None:
        while True:
            try:
                result = shared_client().post(
                    f"{self.host}/question/{self.participant_id}",
                    data={"question": "questionnaire", "number": 1, "response": json.dumps(self.question_responses)},
                )
                result.raise_for_status()
                return
            except httpx.HTTPError:
                self.stochastic_sleep()

    def sign_off(self) -> bool:
        self.complete_questionnaire()
        return True

    def complete_experiment(self, status: str) -> None:
        while True:
            try:
                shared_client().get(f"{self.host}/{status}", params={"participant_id": self.participant_id}).raise_for_status()
                return
            except httpx.HTTPError:
                self.stochastic_sleep()


__getattr__ = module_getattr(__name__)

__all__ = ["BotBase", "HighPerformanceBotBase", "WebDriverUnavailable", "open_chromium"]
