"""The registry's tests, by area (`make test` runs them all; `pytest tests/api` runs one area):

- api/: the resources over HTTP through Flask's test client, errors, the contract, OpenAPI
- imports/: loading lists, in every format and layout, and what refuses one
- domain/: the rules at the service level, the tallies, plans, demo data
- serving/: the `registry` command, gunicorn, `make run` with nginx, real processes
- people/: accounts, sessions and sign-ins; browser/: the pages in chromium
- project/: the code's layout and the guides

support/ holds the helpers tests import (never from a conftest.py, which defines fixtures
only); data/ the files they read.
"""
