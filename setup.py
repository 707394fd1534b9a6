"""Package list for setuptools: simlab's own packages plus the mapped top-level folders.

``bots/`` installs as ``simlab.bots`` and ``scenarios/`` as ``simlab.scenarios``
(pyproject.toml's ``packages.find`` cannot discover a folder mapped to another name).
"""

from setuptools import find_packages, setup

MAPPED = {"simlab.bots": "bots", "simlab.scenarios": "scenarios"}

setup(
    packages=[*find_packages(include=["simlab", "simlab.*"]), *MAPPED],
    package_dir=MAPPED,
)
