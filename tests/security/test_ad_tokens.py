"""``/ad?generate_tokens=1``: the redirect is encoded again, and the query alone asks for it (issue 21, case 7)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from simlab import Experiment, Settings
from simlab.web import create_app

BASE = "http://127.0.0.1:5000"


class TokensConfigured(Experiment):
    config = {"generate_tokens": True}


async def get_ad(query: str, experiment: type[Experiment] = Experiment) -> httpx.Response:
    app = create_app(experiment, settings=Settings(seed=3))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        return await client.get("/ad?" + query)


def location(response: httpx.Response) -> tuple[dict[str, list[str]], str]:
    assert response.status_code == 302, response.text
    target = urlsplit(response.headers["location"])
    assert target.path == "/ad"
    return parse_qs(target.query, keep_blank_values=True), target.fragment


async def test_the_single_recruitment_link_redirects_without_the_config_key() -> None:
    query, fragment = location(await get_ad("recruiter=hotair&generate_tokens=1&mode=debug"))
    assert fragment == ""
    assert {k: len(v) for k, v in query.items()} == dict.fromkeys(["recruiter", "mode", "hitId", "assignmentId", "workerId"], 1)
    assert "generate_tokens" not in query
    assert all(query[k][0] for k in ("hitId", "assignmentId", "workerId"))


async def test_following_the_redirect_renders_the_ad() -> None:
    app = create_app(Experiment, settings=Settings(seed=3))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE, follow_redirects=True) as client:
        response = await client.get("/ad?recruiter=hotair&generate_tokens=1&mode=debug")
    assert response.status_code == 200
    assert len(response.history) == 1


async def test_an_encoded_hash_stays_in_its_value() -> None:
    query, fragment = location(await get_ad("generate_tokens=1&note=a%23b"))
    assert fragment == ""
    assert query["note"] == ["a#b"]
    assert query["hitId"][0] and query["workerId"][0]


async def test_an_encoded_ampersand_cannot_smuggle_a_hit_id() -> None:
    query, _ = location(await get_ad("generate_tokens=1&a%26hitId%3Devil=1"))
    assert query["a&hitId=evil"] == ["1"]
    assert query["hitId"] != ["evil"] and len(query["hitId"]) == 1


@pytest.mark.parametrize(
    ("raw", "value"),
    [("x%0d%0aSet-Cookie:%20a=b", "x\r\nSet-Cookie: a=b"), ("%0d%0a", "\r\n"), ("x%0aLocation:%20http://evil", "x\nLocation: http://evil")],
)
async def test_crlf_stays_encoded(raw: str, value: str) -> None:
    response = await get_ad(f"generate_tokens=1&note={raw}")
    query, _ = location(response)
    assert "\r" not in response.headers["location"] and "\n" not in response.headers["location"]
    assert "set-cookie" not in response.headers
    assert query["note"] == [value]


async def test_url_for_keywords_are_plain_parameters() -> None:
    # Dallinger's url_for(**params) would turn _anchor into a fragment
    query, fragment = location(await get_ad("generate_tokens=1&_anchor=x&_external=1"))
    assert fragment == ""
    assert query["_anchor"] == ["x"] and query["_external"] == ["1"]


async def test_given_ids_are_kept_and_missing_ones_filled() -> None:
    query, _ = location(await get_ad("generate_tokens=1&hitId=H1"))
    assert query["hitId"] == ["H1"]
    assert query["assignmentId"][0] and query["workerId"][0]


async def test_the_config_key_still_generates_once() -> None:
    query, _ = location(await get_ad("recruiter=hotair", TokensConfigured))
    assert query["hitId"][0]
    served = await get_ad("hitId=H&assignmentId=A&workerId=W", TokensConfigured)
    assert served.status_code == 200


async def test_generate_tokens_0_renders_as_asked() -> None:
    response = await get_ad("generate_tokens=0&hitId=H&assignmentId=A&workerId=W")
    assert response.status_code == 200
