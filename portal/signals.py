"""Remember the user's roles in the session at login, so the navigation fits the role without a query per page."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from plans.access import user_roles

SESSION_ROLES_KEY = "portal_roles"


@receiver(user_logged_in, dispatch_uid="portal-remember-roles")
def remember_roles(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ROLES_KEY] = sorted(str(role) for role in user_roles(user))
