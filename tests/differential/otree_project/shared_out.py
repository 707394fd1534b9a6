def mock_exogenous_data(session):
    # oTree calls this only for demo sessions and bot runs (see oTree's docs).
    if session.config['name'] == 'mocked':
        for i, participant in enumerate(session.get_participants(), start=1):
            participant.label = 'mock%d' % i
            participant.vars['mock_score'] = 10 * i
        session.vars['mock_source'] = 'exogenous'
