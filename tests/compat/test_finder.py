"""The ``dallinger`` names: simlab's modules, with or without a real dallinger around."""

from __future__ import annotations

import sys
import types

from simlab import compat
from simlab.domain import Experiment


def test_dallinger_names_resolve_to_simlab_and_a_real_one_is_set_aside() -> None:
    was_installed = compat.installed()
    compat.uninstall()
    real = types.ModuleType("dallinger")
    real.__path__ = []  # type: ignore[attr-defined]
    sys.modules["dallinger"] = real
    try:
        compat.install()
        import dallinger.experiment
        from dallinger.experiment import Experiment as DallingerExperiment

        assert DallingerExperiment is Experiment
        assert sys.modules["dallinger"] is not real
        assert dallinger.experiment.__name__ == "simlab.compat.dallinger.experiment"
        compat.uninstall()
        assert sys.modules["dallinger"] is real and "dallinger.experiment" not in sys.modules
    finally:
        sys.modules.pop("dallinger", None)
        if was_installed:
            compat.install()
