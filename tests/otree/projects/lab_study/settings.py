from os import environ

SESSION_CONFIGS = [
    dict(
        name='public_goods',
        app_sequence=['public_goods', 'survey'],
        num_demo_participants=3,
    ),
    dict(
        name='survey_only',
        display_name='Survey only',
        app_sequence=['survey'],
        num_demo_participants=1,
        participation_fee=2.5,
        mock_exogenous_data=True,
    ),
]

# if you set a property in SESSION_CONFIG_DEFAULTS, it will be inherited by all configs
# in SESSION_CONFIGS, except those that explicitly override it.
# the session config can be accessed from methods in your apps as self.session.config,
# e.g. self.session.config['participation_fee']

SESSION_CONFIG_DEFAULTS = dict(
    real_world_currency_per_point=0.10, participation_fee=5, doc=""
)

PARTICIPANT_FIELDS = ['finished', 'treatment']
SESSION_FIELDS = ['phase']

ROOMS = [
    dict(
        name='econ_lab',
        display_name='Economics lab',
        participant_label_file='_rooms/econ_lab.txt',
    ),
    dict(name='online', display_name='Online sessions'),
]

# ISO-639 code
# for example: de, fr, ja, ko, zh-hans
LANGUAGE_CODE = 'en'

# e.g. EUR, GBP, CNY, JPY
REAL_WORLD_CURRENCY_CODE = 'EUR'
USE_POINTS = True

ADMIN_USERNAME = 'admin'
# for security, best to set admin password in an environment variable
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')

DEMO_PAGE_INTRO_HTML = """
Public goods game and a survey, for the lab.
"""

SECRET_KEY = '4815162342108'
