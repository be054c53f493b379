"""Signal receivers in one place: remember the user's roles in the session at login, so the
navigation fits the role without a query per page; and make cached page fragments out of date on
every write (``common.page_cache``; bulk writes in requests are caught by
``portal.fragments.DataVersionMiddleware``, in tasks by ``task_postrun``)."""

from celery.signals import task_postrun
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from common import page_cache
from plans.access import user_roles

SESSION_ROLES_KEY = "portal_roles"


@receiver(user_logged_in, dispatch_uid="portal-remember-roles")
def remember_roles(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ROLES_KEY] = sorted(str(role) for role in user_roles(user))


# --- Cached page fragments: every write makes them out of date (common.page_cache) ---------------

DATA_APPS = {"plans", "monitoring", "governance", "portal", "auth"}


def _bump_on_write(sender, **kwargs):
    if sender._meta.app_label in DATA_APPS:
        page_cache.bump_data_version()


def _bump_on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and sender._meta.app_label in DATA_APPS:
        page_cache.bump_data_version()


post_save.connect(_bump_on_write, dispatch_uid="portal-fragments-save")
post_delete.connect(_bump_on_write, dispatch_uid="portal-fragments-delete")
m2m_changed.connect(_bump_on_m2m, dispatch_uid="portal-fragments-m2m")


@task_postrun.connect(dispatch_uid="portal-fragments-task", weak=False)
def _bump_after_task(**kwargs):
    """Tasks write in sets (imports, status refresh, report runs) without model signals."""
    page_cache.bump_data_version()
