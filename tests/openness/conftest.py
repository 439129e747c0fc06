"""The openness tests share the ideas tests' fixtures (rate limits cleared, a coordinator)."""

from tests.ideas.conftest import coordinator_client, empty_rate_limits  # noqa: F401
