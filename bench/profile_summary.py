"""py-spy's raw profile of gunicorn workers (`record --format raw`: one line per stack, frames
`function (file:line)` joined by `;`, then the sample count) summed into the parts of a request:
the share of busy samples in which each part was on the stack."""

# (label, the frames that mark it); a part is on the stack when any frame contains a marker.
PARTS = [
    ("gunicorn: reading the request, writing the answer", None),
    ("the front (registry.web.polls), its own work", ("PolledAnswers.__call__",)),
    ("the Flask app, all of it", ("Flask.wsgi_app",)),
    ("  request-id hooks", ("assign_request_id", "echo_request_id")),
    ("  flask-limiter's hooks", ("flask_limiter/",)),
    ("  authentication hook", ("authorize_request",)),
    ("  query check (the hook, webargs)", ("reject_unexpected_query", "webargs/")),
    ("  the view: the cached answer, its ETag", ("cached_json",)),
    ("the version read (one SQL row), wherever", ("services/version.py",)),
]


def _stacks(raw: str):
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if not f.startswith("process ")]
        yield frames, int(count)


def _on_stack(frames: list[str], markers: tuple[str, ...]) -> bool:
    return any(marker in frame for frame in frames for marker in markers)


def summarize(raw: str) -> dict:
    total, counts = 0, dict.fromkeys((label for label, _ in PARTS), 0)
    for frames, count in _stacks(raw):
        total += count
        in_app = _on_stack(frames, ("Flask.wsgi_app",))
        in_front = _on_stack(frames, ("PolledAnswers.__call__",))
        for label, markers in PARTS:
            if markers is None:
                hit = not (in_app or in_front)
            elif markers == ("PolledAnswers.__call__",):
                hit = in_front and not in_app
            else:
                hit = _on_stack(frames, markers)
            if hit:
                counts[label] += count
    shares = {label: n / total for label, n in counts.items()} if total else {}
    return {"samples": total, "shares": shares}


if __name__ == "__main__":
    import sys
    from pathlib import Path

    for label, share in summarize(Path(sys.argv[1]).read_text())["shares"].items():
        print(f"{share:6.1%}  {label}")
