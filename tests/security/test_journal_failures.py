"""Journal failure semantics in process: revert, name the cause, refuse readers, resume (issue 21, case 5).

The tiny-filesystem test (``test_full_disk.py``) shows a real full disk; here
the database write is made to fail with SQLite's read-only and I/O errors.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import trio

from simlab import Chain, Experiment, Info, Node
from simlab.persistence.journal import JournalFailed, open_durable_store
from simlab.store import sqlite as db_file


class One(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain()


def sqlite_error(message: str, name: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorname = name  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (sqlite_error("attempt to write a readonly database", "SQLITE_READONLY"), "read-only"),
        (sqlite_error("disk I/O error", "SQLITE_IOERR_WRITE"), "I/O error"),
        (sqlite_error("database or disk is full", "SQLITE_FULL"), "disk full"),
    ],
)
async def test_a_failed_batch_is_reverted_named_and_writes_resume(tmp_path: Path, monkeypatch: Any, error: Exception, cause: str) -> None:
    store, journal, _ = open_durable_store(tmp_path, One)
    exp = One(store)
    real_write = db_file.write
    failing = [True]

    def write(*args: Any) -> int:
        if failing[0]:
            raise error
        return real_write(*args)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(journal.run)
        with store.transaction():
            exp.setup()
            net = exp.networks()[0]
            node = Node(network=net)
            net.add_node(node)
        await journal.wait_durable(journal.visible_seq())
        durable_info = Info(origin=node, contents="durable")  # outside a transaction: journalled alone
        await journal.wait_durable(journal.visible_seq())

        monkeypatch.setattr(db_file, "write", write)
        with store.transaction():
            lost = Info(origin=node, contents="never durable")
            durable_info.property1 = "changed, never durable"
        own, seen = journal.request_needs_wait(), journal.visible_seq()
        with pytest.raises(JournalFailed) as failed:
            await journal.wait_durable(own, seen)
        assert cause in str(failed.value) and "cannot rollback" not in str(failed.value)
        # reverted: the row is gone, the change undone, the id not handed out again
        assert store.get("info", lost.id) is None and store.count("info") == 1
        assert durable_info.property1 is None
        assert [i.id for i in node.infos()] == [durable_info.id]
        assert journal.visible_seq() == 0  # a reader now sees only durable state: no wait, no 503
        assert journal.error is not None and cause in journal.error

        failing[0] = False  # the cause goes away: the next write succeeds, no restart
        with store.transaction():
            again = Info(origin=node, contents="after")
        await journal.wait_durable(journal.request_needs_wait())
        assert again.id == lost.id + 1 and journal.error is None
        await journal.close()

    store2, _journal2, _loaded = open_durable_store(tmp_path, One)
    assert sorted(i.contents for i in store2.rows("info")) == ["after", "durable"]
    assert store2.last_id("info") == again.id
    _journal2.db.close()
