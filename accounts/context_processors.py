from accounts.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    # A user with a temporary password has nowhere to go but the password page.
    if user is None or not user.is_authenticated or user.must_change_password:
        return {"nav_items": []}
    return {"nav_items": items_for(user, request.path)}
