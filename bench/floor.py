"""The portal's own stack doing the bare app's one read (bench/hello.py's /read): everything
every portal request pays (the proxy fix, static files, rate limits, CSRF, locale, security
headers, request ids, the database session), with a view that does only the read."""

from flask import request
from sqlalchemy import text

from portal import create_app
from portal.database import read
from portal.extensions import csrf

app = create_app()


@app.get("/read")
@csrf.exempt
def one_read():
    row = int(request.cookies["row"])
    saves = read(text("SELECT saves FROM bench_rows WHERE id = :id"), {"id": row})
    return f"Saved {saves.scalar_one()} times"
