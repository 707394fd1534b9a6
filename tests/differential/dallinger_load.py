"""Run by Dallinger's own Python (not simlab's): load an export zip as Dallinger does.

``python dallinger_load.py <zip> <postgresql url of any database>`` creates (once) the
database ``simlab_export`` beside the given one, loads the zip with
``dallinger.data.bootstrap_db_from_zip`` (which drops and recreates Dallinger's tables
there), reads it back, opens the zip with ``dallinger.data.Data`` and prints JSON:
per table the ids in PostgreSQL and the row count ``Data`` sees, plus the participants'
NOT NULL JSON columns.  Any failure is a traceback and a non-zero exit.
"""

import json
import sys

from sqlalchemy import create_engine, text

from dallinger.data import Data, bootstrap_db_from_zip, table_names

DATABASE = "simlab_export"


def main(zip_path, url):
    server = url.rsplit("/", 1)[0]
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}).scalar():
            conn.execute(text("CREATE DATABASE " + DATABASE))
    admin.dispose()
    engine = create_engine(server + "/" + DATABASE)
    bootstrap_db_from_zip(zip_path, engine)
    out = {"ids": {}, "data_rows": {}, "participants": []}
    with engine.connect() as conn:
        for table in table_names:
            out["ids"][table] = [row[0] for row in conn.execute(text("SELECT id FROM " + table + " ORDER BY id"))]
        rows = conn.execute(text("SELECT id, entry_information, details, status FROM participant ORDER BY id"))
        out["participants"] = [list(row) for row in rows]
    data = Data(zip_path)
    for table in table_names:
        out["data_rows"][table] = getattr(data, table + "s").tablib_dataset.height
    engine.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
