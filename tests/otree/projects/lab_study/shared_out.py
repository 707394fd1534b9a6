def mock_exogenous_data(session):
    # what a survey platform would have sent: demo and bot sessions only
    for p in session.get_participants():
        p.label = 'demo%d' % p.id_in_session
        p.vars['treatment'] = 'control'
