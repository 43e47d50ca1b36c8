"""tests/conftest.py keeps Django's record of rendered templates only for modules that read
it: this one does, so its test client still sees what the page was rendered with."""

import pytest


@pytest.mark.django_db
def test_a_module_that_reads_the_context_gets_it(client, request):
    response = client.get("/accounts/login/")
    assert request.node.get_closest_marker("templates")
    assert "form" in response.context
    assert "accounts/login.html" in [t.name for t in response.templates]
