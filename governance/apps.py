from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Styring og organisation")

    def ready(self) -> None:
        # Register the tasks in every process, so services can queue them by name (common.dispatch).
        from governance import tasks  # noqa: F401
