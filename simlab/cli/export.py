"""``simlab export --data-dir DIR --out FILE.zip``: Dallinger's export layout from a data folder.

Safe while a server writes the folder: SQLite (WAL) gives the export a
consistent snapshot of what was committed, and the export writes nothing to the
database.  Exit status 0, or 2 with one line (no database, corrupt or foreign
file, unwritable output).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain import Experiment
from ..domain.classes import class_resolver
from ..persistence.export import snapshot, write_zip
from ..store import GraphStore
from ..store import sqlite as db_file
from .args import OneLineParser, shown, user_path


def main(argv: list[str]) -> int:
    parser = OneLineParser(prog="simlab export", description=__doc__)
    parser.add_argument("--data-dir", type=user_path, default=Path("simlab-data"), help="the server's data folder")
    parser.add_argument("--out", type=user_path, required=True, help="zip file to write")
    parser.add_argument("--id", default="simlab", help="experiment id written to experiment_id.md")
    args = parser.parse_args(argv)
    path = args.data_dir / db_file.FILE_NAME
    if not path.is_file():
        print(f"simlab export: no database at {path}", file=sys.stderr)
        return 2
    try:
        db = db_file.connect(path)
        try:
            store = GraphStore()
            count = db_file.load(db, store, class_resolver(Experiment))
        finally:
            db.close()
    except db_file.DataFileError as exc:
        print(f"simlab export: {exc}", file=sys.stderr)
        return 2
    try:
        write_zip(snapshot(store), args.out, args.id)
    except OSError as exc:
        print(f"simlab export: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"simlab export: {count} rows from {path} written to {shown(args.out)}")
    return 0
