"""What the staff views, the command line, the demo data and the tests share: creating cases,
inviting people. No Flask request objects here: the caller says who acted (``actor``) and
commits."""
