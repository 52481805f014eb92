"""The smoke test: the app answers its health check, and the fixtures' enterprise token reads
its firm."""


def test_health(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "rate_limits": "off"}


def test_fixture_tokens(client, auth, enterprise_code):
    response = client.get(f"/api/v1/enterprises/{enterprise_code}", headers=auth["enterprise"])
    assert response.status_code == 200
