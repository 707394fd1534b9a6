"""Where an app's pages come from: the experiment's folders first, simlab's defaults last."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Resources:
    """Template and static folders, searched in order."""

    template_dirs: list[Path] = field(default_factory=list)
    static_dirs: list[Path] = field(default_factory=list)

    @classmethod
    def for_experiment(cls, folder: Path | None) -> Resources:
        templates = [folder / "templates"] if folder is not None and (folder / "templates").is_dir() else []
        static = [folder / "static"] if folder is not None and (folder / "static").is_dir() else []
        return cls(template_dirs=templates + [DEFAULT_TEMPLATES], static_dirs=static + [DEFAULT_STATIC])
