"""Celery tasks by name: a service queues a task without importing the module that defines it
(the task module imports the service, so the other direction would be an import circle).

Each app imports its task modules in ``AppConfig.ready`` so every name is registered in the web
process as well as in the worker.
"""

from celery import current_app


def task_named(name: str):
    """The registered Celery task called ``name`` (``KeyError`` if no app registered it)."""
    return current_app.tasks[name]
