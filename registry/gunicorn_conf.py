"""gunicorn settings for `make run`; HOST, PORT and WEB_CONCURRENCY come from the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
accesslog = "-"
# One control socket per user by default: several servers on one machine (tests) would collide.
control_socket_disable = True
