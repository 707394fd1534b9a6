"""The journal writes every committed row once, in batches, and close() drains it."""

from __future__ import annotations

from pathlib import Path

import pytest
import trio

from simlab import Chain, Experiment, Info, Node
from simlab.persistence.journal import open_durable_store
from simlab.store import sqlite as db_file


class One(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return Chain()


def count_rows(folder: Path) -> dict[str, int]:
    db = db_file.connect(folder / db_file.FILE_NAME)
    try:
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in ("network", "node", "info", "vector")}
    finally:
        db.close()


async def test_writer_and_close_leave_every_committed_row_on_disk(tmp_path: Path) -> None:
    store, journal, loaded = open_durable_store(tmp_path, One)
    assert loaded == 0
    exp = One(store)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(journal.run)
        with store.transaction():
            exp.setup()
        net = exp.networks()[0]
        for i in range(20):
            with store.transaction():
                node = Node(network=net)
                net.add_node(node)
                Info(origin=node, contents=str(i))
            if i % 5 == 0:
                await journal.wait_durable(journal.request_needs_wait() or 0)
        with pytest.raises(RuntimeError), store.transaction():
            Info(origin=node, contents="rolled back")  # never reaches the journal
            raise RuntimeError("abort")
        await journal.close()
    assert count_rows(tmp_path) == {"network": 1, "node": 20, "info": 20, "vector": 19}


async def test_close_without_a_writer_flushes(tmp_path: Path) -> None:
    store, journal, _ = open_durable_store(tmp_path, One)
    exp = One(store)
    with store.transaction():
        exp.setup()
    await journal.close()
    assert count_rows(tmp_path)["network"] == 1
    store2, _journal2, loaded = open_durable_store(tmp_path, One)
    assert loaded == 1 and store2.rows("network")[0].type == "chain"
