"""``db.session`` and ``Model.query``: SQLAlchemy criteria computed over the store as PostgreSQL would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Boolean, Integer, and_, cast, desc, or_

from simlab import compat
from simlab.compat.evaluate import UnsupportedCriterion
from simlab.compat.query import NoResultFound
from simlab.domain import Agent, Empty, Experiment, Info, Node
from simlab.domain.context import serving


@pytest.fixture(name="exp")
def _exp() -> Iterator[Any]:
    compat.install()
    exp = Experiment(seed=1)
    with serving(exp):
        yield exp


def _network(exp: Any, n: int = 3) -> list[Any]:
    net = exp.store.add(Empty())
    return [Agent(network=net) for _ in range(n)]


def test_filter_by_filter_order_and_limit(exp: Any) -> None:
    from dallinger import db
    from dallinger.models import Info as DallingerInfo

    assert DallingerInfo is Info  # one class under both names
    a, b, c = _network(exp)
    for node, contents in ((a, "x1"), (b, "y2"), (c, "x3")):
        Info(origin=node, contents=contents)
    b.infos()[0].property1 = "5"
    q = db.session.query(Info)
    assert [i.contents for i in q.filter(Info.contents.like("x%")).all()] == ["x1", "x3"]
    assert [i.contents for i in q.order_by(desc(Info.id)).limit(2)] == ["x3", "y2"]
    assert q.filter_by(origin_id=b.id).one().contents == "y2"
    assert q.filter(or_(Info.origin_id == a.id, Info.origin_id == c.id)).count() == 2
    assert q.filter(and_(Info.origin_id == a.id, Info.contents == "nope")).first() is None
    assert q.filter(cast(Info.property1, Integer) > 4).one().contents == "y2"
    # NULL compares as unknown: rows with property1 NULL match neither side
    assert q.filter(Info.property1 != "5").count() == 0
    assert q.filter(Info.property1.is_(None)).count() == 2
    assert Info.query.filter(Info.id.in_([1, 3])).count() == 2
    with pytest.raises(NoResultFound):
        q.filter_by(contents="missing").one()


def test_get_respects_the_class(exp: Any) -> None:
    from dallinger import db

    (a,) = _network(exp, 1)
    assert db.session.query(Node).get(a.id) is a
    assert db.session.query(Agent).get(str(a.id)) is a
    assert db.session.query(Info).get(a.id) is None


def test_hybrid_property_criteria_and_postgres_casts(exp: Any) -> None:
    from sqlalchemy.ext.hybrid import hybrid_property

    class Ranked(Agent):
        __mapper_args__ = {"polymorphic_identity": "ranked"}

        @hybrid_property
        def rank(self) -> int:
            return int(self.property2)

        @rank.setter
        def rank(self, value: int) -> None:
            self.property2 = repr(value)

        @rank.expression
        def rank(cls) -> Any:
            return cast(cls.property2, Integer)

        @hybrid_property
        def chosen(self) -> bool:
            return bool(self.property3)

        @chosen.expression
        def chosen(cls) -> Any:
            return cast(cls.property3, Boolean)

    net = exp.store.add(Empty())
    nodes = [Ranked(network=net) for _ in range(3)]
    Agent(network=net)  # another class: never in Ranked's queries
    for i, node in enumerate(nodes):
        node.rank = i
    nodes[1].property3 = "True"
    nodes[2].property3 = "f"
    assert [n.id for n in Ranked.query.filter_by(rank=1)] == [nodes[1].id]
    assert [n.id for n in Ranked.query.filter(Ranked.rank >= 1).order_by(desc(Ranked.rank))] == [nodes[2].id, nodes[1].id]
    assert [n.id for n in Ranked.query.filter(Ranked.chosen == True)] == [nodes[1].id]  # noqa: E712
    nodes[0].property3 = "maybe"
    with pytest.raises(ValueError, match="boolean"):
        Ranked.query.filter(Ranked.chosen == True).all()  # noqa: E712


def test_unsupported_criteria_are_named(exp: Any) -> None:
    from sqlalchemy import func

    _network(exp, 1)
    with pytest.raises(UnsupportedCriterion, match="soundex"):
        Node.query.filter(func.soundex(Node.type) == "x").all()


def test_rollback_returns_to_the_last_commit_inside_a_transaction(exp: Any) -> None:
    from dallinger import db

    (a,) = _network(exp, 1)
    with exp.store.transaction():
        Info(origin=a, contents="kept")
        db.session.commit()
        Info(origin=a, contents="dropped")
        db.session.rollback()
    assert [i.contents for i in a.infos()] == ["kept"]
