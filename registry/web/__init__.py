"""The web layer's plumbing, one concern a module; the routes are in registry.api.

- problems: RFC 9457 problem+json answers and the error handlers
- views: which view function serves the request (asked by the hooks below)
- auth: the request hook that authenticates the token and checks its role
- query: strict query strings (unknown or repeated parameters are a 422) and JSON bodies
- caching: versioned answers for polled aggregates, with ETag and 304
- polls: repeated polls of those answers, answered in front of the app (no hooks, no parsing)
- limits: rate limits per token, and failed authentications per address
- request_ids: the X-Request-ID of every answer
- paging: a page of a query with its metadata
- api: the project's Api and Blueprint (access rules and every error documented)
"""
