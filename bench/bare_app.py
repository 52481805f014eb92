"""The baseline: a bare Flask route, served as the registry is (nginx, then gunicorn)."""

from flask import Flask

app = Flask(__name__)


@app.get("/bare")
def bare():
    return {"status": "ok"}
