"""``simlab export --data-dir DIR --out FILE.zip``: Dallinger's export layout from a data folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..domain import Experiment
from ..domain.classes import class_resolver
from ..export import snapshot, write_zip
from ..store import GraphStore
from ..store import sqlite as db_file


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="simlab export", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("simlab-data"), help="the server's data folder")
    parser.add_argument("--out", type=Path, required=True, help="zip file to write")
    parser.add_argument("--id", default="simlab", help="experiment id written to experiment_id.md")
    args = parser.parse_args(argv)
    path = args.data_dir / db_file.FILE_NAME
    if not path.is_file():
        print(f"simlab export: no database at {path}", file=sys.stderr)
        return 2
    db = db_file.connect(path)
    try:
        store = GraphStore()
        count = db_file.load(db, store, class_resolver(Experiment))
    finally:
        db.close()
    write_zip(snapshot(store), args.out, args.id)
    print(f"simlab export: {count} rows from {path} written to {args.out}")
    return 0
