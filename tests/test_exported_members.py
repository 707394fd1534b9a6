"""simlab's public surface is exactly this list (as httpx pins its own): adding or dropping a name is a decision."""

from __future__ import annotations

import simlab

EXPORTED = [
    "Agent", "ApiError", "Bot", "Burst", "Chain", "CheckContext", "CheckResult", "Compression", "ConfigError",
    "DallingerClient", "DelayedChain", "DiscreteGenerational", "Empty", "Environment", "Events", "Experiment",
    "FullyConnected", "Gene", "Info", "Limits", "LoadError", "Meme", "Mutation", "Network", "NoNetworkAvailable",
    "Node", "Notification", "OTreeClient", "Participant", "Persona", "Population", "Question",
    "RandomBinaryStringSource", "Replication", "ReplicatorAgent", "RequestEvent", "Response", "RetryPolicy",
    "RunOptions", "ScaleFree", "Scenario", "SequentialMicrosociety", "Settings", "SimlabError", "Source",
    "SplitSampleNetwork", "Star", "State", "StopBot", "Thresholds", "TrackingEvent", "Transformation",
    "Transmission", "Vector", "WaitTime", "__version__", "between", "constant", "exponential", "flow_bot",
    "load_scenario", "run_scenario", "task",
]


def test_all_is_pinned() -> None:
    assert sorted(simlab.__all__) == sorted(EXPORTED)
    assert len(simlab.__all__) == len(set(simlab.__all__))


def test_every_exported_name_resolves_and_names_its_own_module() -> None:
    for name in simlab.__all__:
        member = getattr(simlab, name)
        if name == "__version__":
            assert isinstance(member, str)
            continue
        module = getattr(member, "__module__", "")
        assert module.startswith("simlab."), (name, module)


def test_importing_simlab_does_not_load_the_engine_or_the_server() -> None:
    import subprocess
    import sys

    code = "import sys, simlab; print(sorted(m for m in sys.modules if m.startswith(('simlab.engine', 'simlab.server', 'simlab.web', 'simlab.runs'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
