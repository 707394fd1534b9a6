"""oTree projects served by simlab: the ``otree`` names their apps import, and reading the project.

``finder`` maps ``otree`` and ``otree.*`` onto ``shim`` (a real ``otree`` set
aside while it is in place); ``project`` reads an oTree project folder's
``settings.py``, ``shared_out.py`` and apps into simlab's study settings.
"""
