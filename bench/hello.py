"""The physical references: a bare Flask app on the portal's gunicorn settings.

``GET /`` says Hello. ``GET /read`` makes one indexed read (the row the ``row`` cookie names, as
a portal page finds its person from the session cookie). ``POST /save`` makes one durable write
(an autocommit UPDATE of the row the form names, so PostgreSQL flushes its log before it
answers). Each client has a row of its own. These are the least a page that reads, and a page
that saves, can cost.
"""

import os

import psycopg
from flask import Flask, request

app = Flask(__name__)
_connection = None


def _database():
    global _connection  # one per worker process, as a pool of one
    if _connection is None:
        url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        _connection = psycopg.connect(url, autocommit=True)
    return _connection


@app.get("/")
def hello():
    return "Hello"


@app.get("/read")
def read():
    row = int(request.cookies["row"])
    (saves,) = _database().execute("SELECT saves FROM bench_rows WHERE id = %s", (row,)).fetchone()
    return f"Saved {saves} times"


@app.post("/save")
def save():
    row = int(request.form["save"])
    _database().execute("UPDATE bench_rows SET saves = saves + 1 WHERE id = %s", (row,))
    return "Saved"
