from tests.core.auth.conftest import clock, make_account  # noqa: F401
from tests.core.delivery.conftest import portal_target, sandbox  # noqa: F401
