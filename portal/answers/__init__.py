"""Answering the questionnaire, shared by the adult's pages (portal/journey/) and by staff
recording answers given by phone or on a visit (portal/staff/recording.py): the forms built from
the definition, the route through it (runner.py, pure rules), reading and writing a response's
answers, and the rows that show them back."""
