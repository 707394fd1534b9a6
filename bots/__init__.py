"""Ready bot behaviours to build scenarios on.

* :mod:`bots.dallinger_participant`: a Dallinger participant, sign up to completion.
* oTree REST callers (survey webhook, experimenter) and the room participant go in
  ``bots/otree_callers.py`` and ``bots/otree_room.py`` once simlab's oTree server
  side exists; they use ``bot.otree`` (:class:`simlab.engine.OTreeClient`).

These modules import only simlab's public names, like any user's bots would.
"""
