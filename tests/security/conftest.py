"""The access matrix's sample objects (one of each kind), shared with tests/web."""

from tests.web.test_access_matrix import objects  # noqa: F401 (a fixture)
