"""Which view function serves the request: what the hooks read the access rule from."""

from flask import current_app, request


def view_method():
    """The function serving this request (the MethodView's method), or None off the routes.

    Asked by the auth, query and rate-limit hooks of every request: found once, kept with the
    request (not in `g`, which an app context held open by a caller may carry across requests)."""
    environ = request.environ
    if "registry.view_method" not in environ:
        environ["registry.view_method"] = _find_view_method()
    return environ["registry.view_method"]


def _find_view_method():
    if request.url_rule is None or request.routing_exception is not None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    name = request.method.lower()
    if name == "head" and not hasattr(view_class, "head"):
        name = "get"  # Flask serves HEAD with the GET method: same rules, same answer
    return getattr(view_class, name, None)
