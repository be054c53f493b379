"""URL converters shared by every URLconf: database ids that the database can hold.

``<id:plan_id>`` matches 1 to 18 digits (every such number fits a signed 64-bit integer, the
largest id PostgreSQL and SQLite store), so an over-large id in a URL is a 404 from the URL
resolver on every database, never an overflow error further down. ``DATABASE_ID_REGEX`` is the
same rule for the REST API's viewsets (``lookup_value_regex``).
"""

from django.urls import register_converter

DATABASE_ID_REGEX = "[0-9]{1,18}"
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    regex = DATABASE_ID_REGEX

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 <= number <= MAX_DATABASE_ID:
            raise ValueError("id out of range")  # the resolver treats this as "no match": 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(DatabaseIdConverter, "id")
