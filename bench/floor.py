"""The portal's own stack doing the bare app's work (bench/hello.py): ``GET /read`` its one
indexed read and ``POST /save`` its one durable write, each in a view that does nothing else,
inside everything every portal request goes through (the proxy fix, static files, rate limits,
CSRF's check, locale, security headers, request ids, the session cookie, the database session).
What is left between a page and this is the page's own work."""

from flask import request
from sqlalchemy import text

from portal import create_app
from portal.database import read
from portal.extensions import csrf, db

app = create_app()


@app.get("/read")
def one_read():
    row = int(request.cookies["row"])
    saves = read(text("SELECT saves FROM bench_rows WHERE id = :id"), {"id": row})
    return f"Saved {saves.scalar_one()} times"


@app.post("/save")
@csrf.exempt  # the bare app's form has no token to check
def one_write():
    row = int(request.form["save"])
    db.session.execute(text("UPDATE bench_rows SET saves = saves + 1 WHERE id = :id"), {"id": row})
    db.session.commit()
    return "Saved"
