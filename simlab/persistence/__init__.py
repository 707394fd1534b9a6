"""Durable state at rest: the journal that group-commits the store to SQLite
(:mod:`.journal`), the data folder and its lock (:mod:`.datafolder`), and
Dallinger's export layout (:mod:`.export`).  The SQLite row format itself is
``simlab.store.sqlite`` (no trio there)."""
