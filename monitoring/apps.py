from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Målstyring")

    def ready(self):
        # Register the tasks in every process, so a job can be queued by name (common.jobs).
        from django.db.models.signals import post_delete

        from monitoring import tasks  # noqa: F401

        from .models import Indicator
        from .services import goal_status_after_indicator_delete

        # An indicator deleted (admin, cascade) changes its goal's stored status; there is no service
        # for deleting one, so this is the one place that keeps the stored value right.
        post_delete.connect(goal_status_after_indicator_delete, sender=Indicator, dispatch_uid="goal-status")
