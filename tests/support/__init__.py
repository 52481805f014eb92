"""What the tests share besides fixtures: credit codes, HTTP checks, the test app, real
databases and processes, published lists. Tests import from here, never from a conftest.py."""
