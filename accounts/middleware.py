from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

# What a user with a temporary password may still reach: the page that ends it, logging out,
# the language switch, and what anyone may read without an account.
OPEN_VIEWS = frozenset({"accounts:password_change", "accounts:logout", "set_language", "healthz"})
OPEN_NAMESPACES = frozenset({"public"})


class PasswordChangeRequiredMiddleware:
    """Until a user given a temporary password chooses their own, every other page sends them
    to the password page: the temporary password, known to the administrator, opens nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Open pages first: asking for the user reads the session, and a public page that did
        # would vary by cookie and no shared cache could keep it.
        match = request.resolver_match
        if match.view_name in OPEN_VIEWS or OPEN_NAMESPACES & set(match.namespaces):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        target = reverse("accounts:password_change")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
