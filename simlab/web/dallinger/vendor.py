"""Third-party browser libraries at Dallinger's static paths, served from installed packages.

Dallinger's pages load jQuery, Bootstrap 3 and spin.js from ``/static/...``.  simlab
does not copy those files: they come from the PyPI packages that ship them
(XStatic-jQuery, XStatic-Spin, django-bootstrap-static for Bootstrap 3, since the
XStatic-Bootstrap 3.x releases are source-only and no longer build), found through
their installed file lists without importing them (the ``xstatic`` namespace
package imports ``pkg_resources``).
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

#: Dallinger static path (or folder, ending in "/") -> (distribution, path inside it).
VENDORED: dict[str, tuple[str, str]] = {
    "scripts/jquery-3.7.1.min.js": ("XStatic-jQuery", "xstatic/pkg/jquery/data/jquery.min.js"),
    # the jQuery 3 names of older releases' layouts (7.x: 3.5.1, 8.x-10.x: 3.6.0), which an
    # experiment's own copy of a layout still loads: the same jQuery 3
    "scripts/jquery-3.5.1.min.js": ("XStatic-jQuery", "xstatic/pkg/jquery/data/jquery.min.js"),
    "scripts/jquery-3.6.0.min.js": ("XStatic-jQuery", "xstatic/pkg/jquery/data/jquery.min.js"),
    "scripts/jquery.min.map": ("XStatic-jQuery", "xstatic/pkg/jquery/data/jquery.min.map"),
    "scripts/spin.min.js": ("XStatic-Spin", "xstatic/pkg/spin/data/spin.js"),
    "css/bootstrap.min.css": ("django-bootstrap-static", "bootstrap/static/bootstrap/css/bootstrap.min.css"),
    "scripts/bootstrap.min.js": ("django-bootstrap-static", "bootstrap/static/bootstrap/js/bootstrap.min.js"),
    # bootstrap.min.css loads its icon font from ../fonts/
    "fonts/": ("django-bootstrap-static", "bootstrap/static/bootstrap/fonts/"),
}


@cache
def _root(dist: str) -> Path | None:
    try:
        return Path(str(distribution(dist).locate_file("")))
    except PackageNotFoundError:
        return None


def vendored_file(path: str) -> Path | None:
    """The installed file serving Dallinger's static ``path``, or None.

    ``path`` is already checked to be plain segments (no traversal) by the caller.
    """
    entry = VENDORED.get(path)
    rest = ""
    if entry is None:
        folder, _, rest = path.rpartition("/")
        entry = VENDORED.get(folder + "/") if folder and "/" not in rest else None
        if entry is None:
            return None
    root = _root(entry[0])
    if root is None:
        return None
    found = root / (entry[1] + rest)
    return found if found.is_file() else None
