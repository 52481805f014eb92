"""Running it for real: the `registry` command, gunicorn, `make run` (nginx in front), slow
clients, faults, rate limits, backups, upgrades, concurrency and processes polling."""
