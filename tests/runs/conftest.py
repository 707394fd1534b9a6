from __future__ import annotations

from pathlib import Path

from simlab.engine.loader import register_sibling_package

ROOT = Path(__file__).resolve().parents[2]

# The project's ready bots live in a top-level `bots/` folder, not an installed package.
register_sibling_package(ROOT, "bots")
