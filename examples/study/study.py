"""A small study driven through oTree's REST API: two session configs and a room.

Serve it with::

    OTREE_AUTH_LEVEL=STUDY OTREE_REST_KEY=k simlab serve examples/study/study.py --in-memory

Participants enter the room at ``/room/lab?participant_label=P1`` (labels in
``labels.txt``); an external program creates sessions and posts vars with the
``otree-rest-key`` header.  The Dallinger side is the same participant: the
experiment below puts participants whose REST-posted ``vars["treatment"]`` is
``"social"`` in one chain and the others in a second one.
"""

from __future__ import annotations

from typing import Any

from simlab import Chain, Experiment

SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=0.01, participation_fee=2.0, doc="")

SESSION_CONFIGS = [
    dict(
        name="transmission",
        display_name="Transmission chain (pairs)",
        app_sequence=["transmission"],
        num_demo_participants=2,
        players_per_group=2,
        mock_exogenous_data=True,
    ),
    dict(
        name="survey",
        display_name="Solo survey",
        app_sequence=["survey"],
        num_demo_participants=3,
        num_questions=10,  # a custom field, editable through modified_session_config_fields
    ),
]

ROOMS = [
    dict(name="lab", display_name="Behavioural lab", participant_label_file="labels.txt"),
]

REAL_WORLD_CURRENCY_CODE = "EUR"


def mock_exogenous_data(session: Any) -> None:
    """Demo sessions only: pretend a survey site already sent each participant's treatment."""
    for participant in session.get_participants():
        participant.label = f"demo{participant.id_in_session}"
        participant.vars["treatment"] = "social" if participant.id_in_session % 2 else "solo"
    session.vars["source"] = "mock"


class StudyExperiment(Experiment):
    """Two chains: participants whose REST-posted vars say "social" join the first, others the second."""

    experiment_repeats = 2

    def create_network(self) -> Any:
        return Chain(max_size=100)

    def get_network_for_participant(self, participant: Any) -> Any:
        social, solo = sorted(self.networks(role="experiment"), key=lambda net: net.id)
        wanted = social if (participant.vars or {}).get("treatment") == "social" else solo
        joined = {node.network_id for node in participant.nodes(failed="all")}
        return None if wanted.full or wanted.id in joined else wanted
