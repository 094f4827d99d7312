"""The ceiling: a bare Flask app on the same gunicorn settings as the portal.

``/`` says Hello. ``POST /save`` also makes one durable write (an autocommit UPDATE of the row
the form names, one per client, so PostgreSQL flushes its log before answering), the least any
saved answer costs: it shows how much of the gap between saving an answer and the ceiling is the
database's commit itself.
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


@app.post("/save")
def save():
    row = int(request.form["save"])
    _database().execute("UPDATE bench_ceiling SET saves = saves + 1 WHERE id = %s", (row,))
    return "Saved"
