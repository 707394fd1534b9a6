"""An experiment's messages: publishing on the chat relay and receiving its channel.

Dallinger experiments with a ``channel`` get what is sent there (and the
``dallinger_control`` events) through ``send`` -> ``receive_message``, and publish
with ``publish_to_subscribers`` or ``db.redis_conn``; simlab relays in process.
"""

from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger("simlab.experiment")


def _as_id(value: Any) -> int | None:
    try:
        return int(value) if value is not None and len(str(value)) < 20 else None
    except (TypeError, ValueError):
        return None


class ChannelMessages:
    """Mixin of ``Experiment``: the relay it publishes on and the messages it receives."""

    channel: Any = None
    message_bus: Any = None
    store: Any

    def publish(self, channel: str, payload: str) -> None:
        """Publish on the server's chat relay (Dallinger publishes through Redis)."""
        if self.message_bus is None:
            logger.info("no relay to publish on %s: %s", channel, payload)
        else:
            self.message_bus(channel, payload)

    def publish_to_subscribers(self, data: str, channel_name: str | None = None) -> None:
        self.publish(channel_name or self.channel or "", data)

    def send(self, raw_message: str) -> None:
        """Handle ``"<channel>:<payload>"`` from the chat relay: find the sender, then ``receive_message``."""
        channel_name, _, message = raw_message.partition(":")
        participant = node = None
        try:
            data = json.loads(message)
        except ValueError:
            data = None
        if isinstance(data, dict):
            client = data.get("client")
            participant_id = (
                data.get("sender") or data.get("participant_id") or (client.get("participant_id") if isinstance(client, dict) else None)
            )
            participant = self.store.get("participant", _as_id(participant_id))
            node = self.store.get("node", _as_id(data.get("node_id")))
        self.receive_message(
            message, channel_name=channel_name, participant=participant, node=node, receive_time=self.store.now()
        )

    def receive_message(
        self, message: str, channel_name: str | None = None, participant: Any = None, node: Any = None, receive_time: Any = None
    ) -> None:
        """Override to handle messages on the experiment's ``channel`` and ``dallinger_control``."""
