"""Målstyring: goals, indicators, measurements and their derived status (built in the målstyring issue)."""
