"""Template context for the site layout."""

from plans import access

from .signals import SESSION_ROLES_KEY


def navigation(request):
    """``role_pages``: the pages made for one role that the navigation offers this user, decided by
    ``plans.access`` from the roles remembered at login (no query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"role_pages": set()}
    session = getattr(request, "session", None)
    roles = session.get(SESSION_ROLES_KEY) if session is not None else None
    return {"role_pages": access.open_role_pages(user, roles)}
