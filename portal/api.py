"""The REST API under /api/v1/: one router composed from every app's ``api.ROUTES``.

Each app keeps its serializers, filters and viewsets in ``<app>/api.py`` and lists its resources
in ``ROUTES`` as ``(plural-kebab-path, viewset, basename)``; adding an app's resources is one line
in ``APP_ROUTES``. Project-wide behaviour (token authentication, throttling, pagination, the error
shape, Idempotency-Key) is configured in settings and applies to every resource.
"""

from django.urls import include, path
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

import monitoring.api
import plans.api
from governance.bodies import api as bodies_api
from governance.meetings import api as meetings_api
from governance.reports import api as reports_api

APP_ROUTES = [plans.api.ROUTES, monitoring.api.ROUTES, bodies_api.ROUTES, meetings_api.ROUTES, reports_api.ROUTES]


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Token <key>`` in the OpenAPI schema (and the Swagger UI's Authorize)."""

    target_class = "portal.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Personligt API-token: `Token <nøgle>` (opret det under Profil → API-tokens).",
        }


class DecimalFieldSchema(OpenApiSerializerFieldExtension):
    """Decimals are strings (``"1250.50"``): a pattern that needs a digit and, for input, the field's sign.

    drf-spectacular's own pattern also matches ``""`` and ``"-"``, which DRF refuses, and ignores
    ``min_value``; a field with ``min_value >= 0`` takes no minus sign.
    """

    target_class = "rest_framework.fields.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "string", "format": "decimal"}
        whole, places = field.max_whole_digits, field.decimal_places
        if whole is None or places is None:
            return schema
        non_negative = direction == "request" and field.min_value is not None and field.min_value >= 0
        sign = "" if non_negative else "-?"
        if places == 0:
            number = rf"\d{{1,{whole}}}"
        elif whole == 0:
            number = rf"0?\.\d{{1,{places}}}"
        else:
            number = rf"(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})"
        schema["pattern"] = f"^{sign}{number}$"
        return schema


ERROR_SCHEMA = {
    "type": "object",
    "description": ("Fejlsvar: `errors` er felt → beskeder; for en liste [{index, felt → beskeder}]; ellers {}."),
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "oneOf": [
                {"type": "object", "additionalProperties": True},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"index": {"type": "integer"}},
                        "required": ["index"],
                        "additionalProperties": True,
                    },
                },
            ]
        },
    },
    "required": ["detail", "errors"],
}
ERROR_DESCRIPTIONS = {
    "400": "Ugyldige data eller filtre",
    "401": "Mangler, ugyldigt, udløbet eller tilbagekaldt token",
    "403": "Synligt objekt, som brugeren ikke må ændre",
    "404": "Findes ikke eller er uden for brugerens adgang",
    "415": "Indholdet skal være JSON (Content-Type: application/json)",
    "422": "Idempotency-Key er brugt til en anden forespørgsel",
    "429": "For mange forespørgsler (throttling)",
}
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": (
        "Valgfri nøgle (fx et UUID) på 1–255 synlige tegn: et genforsøg med samme nøgle og indhold giver det "
        "første svar igen; samme nøgle til en anden forespørgsel giver 422."
    ),
}


def add_error_responses(result, generator, request, public):
    """Spectacular post-processing hook: document the shared error shape and Idempotency-Key everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for url, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {"type": "integer", "minimum": 1}
            codes = ["401", "403", "429"]
            if method == "get":
                codes += ["400", "404"]
            if method in {"post", "put", "patch"}:
                codes += ["400", "415", "422"]
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            if "{" in url:
                codes.append("404")
            for code in sorted(set(codes)):
                operation["responses"].setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


def build_router() -> DefaultRouter:
    router = DefaultRouter(trailing_slash=True)
    for routes in APP_ROUTES:
        for prefix, viewset, basename in routes:
            router.register(prefix, viewset, basename=basename)
    return router


router = build_router()

app_name = "api"  # URL names: "api:plan-list", "api:schema", "api:docs"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from ?script, so the page needs no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="portal/swagger_ui.html"),
        name="docs",
    ),
    path("", include(router.urls)),
]
