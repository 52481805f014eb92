"""The resources over HTTP, through Flask's test client: what each answers, to whom, in which
shape (errors, the contract, the OpenAPI document, the generated client)."""
