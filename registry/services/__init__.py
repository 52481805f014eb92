"""Domain logic: plain functions over the models, raising `registry.services.errors`.

Nothing here imports Flask: the same functions serve the HTTP API and the CLI.
"""
