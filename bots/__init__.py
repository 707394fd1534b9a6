"""Ready bot behaviours to build scenarios on.

* :mod:`simlab.bots.dallinger_participant`: a Dallinger participant, sign up to completion
  (its steps, :func:`~simlab.bots.dallinger_participant.sign_up` and
  :func:`~simlab.bots.dallinger_participant.play`, are reusable on their own).
* :mod:`simlab.bots.otree_callers`: oTree REST callers as task bots: a survey webhook
  posting participant vars by room and label before arrival, an experimenter
  creating a session and posting session vars mid-run, a results reader.
* :mod:`simlab.bots.otree_room`: a room participant arriving by label, then playing the
  Dallinger participant flow.
* :mod:`simlab.bots.browser_participant`: a participant driving real pages in Chromium.

These modules import only simlab's public names, like any user's bots would.
"""
