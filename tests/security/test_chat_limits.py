"""A ``/chat`` subscriber that stops reading cannot pin memory (issue 21, case 3)."""

from __future__ import annotations


import trio
from wsproto.events import CloseConnection

from simlab import Experiment, Settings
from simlab.web.dallinger.chat import TOO_SLOW, PubSub

from .served import served
from .wsclient import WsClient

MB = 1 << 20


def test_a_subscriber_past_its_byte_limit_is_dropped_and_freed() -> None:
    pubsub = PubSub(limit=3 * MB)
    with pubsub.subscribe(["room"]) as slow, pubsub.subscribe(["room"]) as other:
        big = "x" * MB
        delivered = [pubsub.publish("room", big) for _ in range(3)]
        assert delivered == [2, 2, 0]  # the third would pass 3 MiB (with the channel prefix): both dropped
        assert slow.dropped is not None and "3145728 bytes" in slow.dropped
        assert slow.queued_bytes == 0  # freed at once
        assert pubsub.subscribers("room") == 0 and pubsub.dropped == 2
        assert pubsub.publish("room", "later") == 0
    assert other.dropped is not None


async def test_queued_bytes_count_until_sent() -> None:
    pubsub = PubSub(limit=100)
    with pubsub.subscribe(["c"]) as inbox:
        assert pubsub.publish("c", "a" * 40) == 1
        assert await inbox.next() == "c:" + "a" * 40
        assert inbox.queued_bytes == 42  # still being written
        inbox.sent()
        assert inbox.queued_bytes == 0
        assert pubsub.publish("c", "é" * 40) == 1
        assert inbox.queued_bytes == 82  # UTF-8 bytes, not characters


async def test_a_websocket_that_never_reads_is_closed_with_1008_over_a_real_socket() -> None:
    settings = Settings(chat_subscriber_bytes=2 * MB)
    async with served(Experiment, settings) as (port, app):
        pubsub = app.extensions["simlab"].pubsub
        slow_stream = await trio.open_tcp_stream("127.0.0.1", port)
        slow = await WsClient.connect(slow_stream, "127.0.0.1", "/chat?channel=room")
        talker_stream = await trio.open_tcp_stream("127.0.0.1", port)
        talker = await WsClient.connect(talker_stream, "127.0.0.1", "/chat?channel=other")
        with trio.fail_after(20):
            while pubsub.subscribers("room") == 0:
                await trio.sleep(0.01)
            frame = "room:" + "y" * (512 * 1024)
            for _ in range(40):  # 20 MiB towards a reader that reads nothing
                await talker.send(frame)
                if pubsub.subscribers("room") == 0:
                    break
                await trio.sleep(0.01)
            assert pubsub.subscribers("room") == 0, "the slow subscriber was never dropped"
            assert pubsub.dropped == 1
            # the client reads at last: what was sent before the drop, then the reason
            while not isinstance(event := await slow.receive(), CloseConnection):
                assert event.startswith("room:y")
        assert event.code == TOO_SLOW and "too slow" in event.reason
        await slow_stream.aclose()
        await talker_stream.aclose()


async def test_frames_above_the_message_limit_are_refused() -> None:
    settings = Settings(websocket_max_message_bytes=64 * 1024)
    async with served(Experiment, settings) as (port, _app):
        async with await trio.open_tcp_stream("127.0.0.1", port) as stream:
            client = await WsClient.connect(stream, "127.0.0.1", "/chat?channel=room")
            await client.send("room:" + "z" * (128 * 1024))
            with trio.fail_after(20):
                event = await client.receive()
        assert isinstance(event, CloseConnection) and event.code == 1009  # message too big
