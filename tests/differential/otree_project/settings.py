from os import environ

SESSION_CONFIGS = [
    dict(
        name='solo',
        display_name='Solo task',
        app_sequence=['solo_app'],
        num_demo_participants=3,
        num_apples=10,
        players_per_group=1,
    ),
    dict(
        name='pairs',
        display_name='Pairs task',
        app_sequence=['pair_app'],
        num_demo_participants=4,
        players_per_group=2,
    ),
    dict(
        name='mocked',
        display_name='Mocked exogenous data',
        app_sequence=['solo_app'],
        num_demo_participants=2,
        mock_exogenous_data=True,
        players_per_group=1,
    ),
]

SESSION_CONFIG_DEFAULTS = dict(
    real_world_currency_per_point=1.00,
    participation_fee=0.00,
    doc="",
)

PARTICIPANT_FIELDS = []
SESSION_FIELDS = []

ROOMS = [
    dict(
        name='econ101',
        display_name='Econ 101',
        participant_label_file='_rooms/econ101.txt',
    ),
    dict(name='lab', display_name='Lab'),
]

LANGUAGE_CODE = 'en'
REAL_WORLD_CURRENCY_CODE = 'USD'
USE_POINTS = True

ADMIN_USERNAME = 'admin'
ADMIN_PASSWORD = environ.get('OTREE_ADMIN_PASSWORD')

DEMO_PAGE_INTRO_HTML = """simlab conformance study"""

SECRET_KEY = 'conformance-secret-key-not-secret'
