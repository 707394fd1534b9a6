"""A reaction game with a clock and a monitor beside the requests, as written for Dallinger 10.x.

The game clock is a ``Greenlet`` subclass; the monitor fails participants who
sign up but never start (no node after ``stale_seconds``); both are started by
``background_tasks`` at launch and joined with ``gevent.joinall``.  Each new node
gets a greenlet of its own from ``create_node`` (``gevent.spawn``), and the clock
process (``clock_on = true``) counts heartbeats with ``@scheduled_task``.
"""

from datetime import datetime, timedelta

import gevent
from gevent import Greenlet

from dallinger import db
from dallinger.config import get_config
from dallinger.experiment import Experiment, scheduled_task
from dallinger.models import Network, Node, Participant
from dallinger.networks import Empty


def extra_parameters():
    get_config().register("stale_seconds", float)


class GameClock(Greenlet):
    """Counts ticks of the game on the network (property1)."""

    def __init__(self, tick):
        Greenlet.__init__(self)
        self.tick = tick

    def _run(self):
        while True:
            gevent.sleep(self.tick)
            network = Network.query.first()
            network.property1 = str(int(network.property1 or 0) + 1)
            db.session.commit()


class ReactionGame(Experiment):
    def __init__(self, session=None):
        super(ReactionGame, self).__init__(session)
        self.experiment_repeats = 1
        self.initial_recruitment_size = 1
        if session:
            self.setup()

    def configure(self):
        super(ReactionGame, self).configure()
        self.stale_seconds = get_config().get("stale_seconds", 5.0)

    def create_network(self):
        return Empty(max_size=50)

    @property
    def background_tasks(self):
        return [self.run_game]

    def run_game(self):
        clock = GameClock(0.05)
        clock.start()
        monitor = gevent.spawn(self.fail_stale_participants)
        gevent.joinall([clock, monitor])

    def fail_stale_participants(self):
        while True:
            gevent.sleep(0.1)
            cutoff = datetime.now() - timedelta(seconds=self.stale_seconds)
            working = Participant.query.filter_by(status="working", failed=False).all()
            for participant in working:
                if participant.creation_time < cutoff and not participant.nodes():
                    participant.status = "abandoned"
                    participant.fail()
            db.session.commit()

    def create_node(self, participant, network):
        node = Node(network=network, participant=participant)
        gevent.spawn(self.greet, participant.id)
        return node

    def greet(self, participant_id):
        """A greenlet of its own per node: greets its participant once the request is over."""
        gevent.sleep(0.01)
        participant = Participant.query.get(participant_id)
        participant.property1 = "greeted"
        db.session.commit()

    @scheduled_task("interval", seconds=0.2)
    @staticmethod
    def heartbeat():
        network = Network.query.first()
        if network is not None:
            network.property2 = str(int(network.property2 or 0) + 1)
            db.session.commit()
