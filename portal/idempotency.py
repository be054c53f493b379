"""``Idempotency-Key`` for API writes: a retried request gets the first answer back and creates nothing.

``IdempotencyMiddleware`` handles every ``POST``/``PUT``/``PATCH`` under ``/api/`` that carries the
header, for every resource, without the resource doing anything:

1. The key is looked up for the request's user (token or session). Found with the same request
   fingerprint (method, path with query, body): the stored status and body are returned with
   ``Idempotent-Replayed: true``. Found with a different fingerprint: 422.
2. Otherwise the request runs inside one transaction; a 2xx answer is stored under the key in
   that same transaction, anything else rolls the transaction back and is not stored (the client
   may fix the request and retry with the same key).
3. Two concurrent requests with one key: the unique constraint lets one commit; the other's
   writes are rolled back (also when they failed on the winner's rows) and it answers with the
   stored result (or 422).
Keys are kept for ``IdempotencyKey.RETENTION`` (24 hours); an older key counts as new.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from rest_framework import exceptions

from .api_auth import authenticate_key, token_from_header
from .api_conventions import error_body
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
METHODS = {"POST", "PUT", "PATCH"}
API_PREFIX = "/api/"
MAX_KEY_LENGTH = 255


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _request_user(request):
    """The user the API will see: the token's if a token is sent, else the session's; None if neither."""
    try:
        key = token_from_header(request)
        if key is not None:
            return authenticate_key(key)[0]
    except exceptions.AuthenticationFailed:
        return None  # the API view answers 401 with the reason
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def stored_record(user, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def _replay(record: IdempotencyKey, request_fingerprint: str) -> HttpResponse:
    if record.fingerprint != request_fingerprint:
        return JsonResponse(
            error_body(_("Idempotency-Key er allerede brugt til en anden forespørgsel."), {}), status=422
        )
    response = HttpResponse(
        record.response_body, status=record.response_status, content_type=record.response_content_type
    )
    response[REPLAY_HEADER] = "true"
    return response


def _view_accepts(request) -> bool:
    """Whether the URL names an API view that takes this method; otherwise the view's 404/405 comes first."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    actions = getattr(match.func, "actions", None)  # a viewset: {"post": "create", ...}
    if actions is not None:
        return request.method.lower() in actions
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return view_class is None or hasattr(view_class, request.method.lower())


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method not in METHODS
            or not request.path.startswith(API_PREFIX)
            or not _view_accepts(request)
        ):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return JsonResponse(
                error_body(_("Idempotency-Key skal være 1–255 tegn."), {HEADER: [_("Ugyldig nøgle.")]}),
                status=400,
            )
        user = _request_user(request)
        if user is None:
            return self.get_response(request)  # unauthenticated: the view answers 401/403
        request_fingerprint = fingerprint(request)
        record = stored_record(user, key)
        if record is not None:
            if not record.is_stale():
                return _replay(record, request_fingerprint)
            record.delete()
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if 200 <= response.status_code < 300 and not response.streaming:
                    IdempotencyKey.objects.create(
                        user=user,
                        key=key,
                        fingerprint=request_fingerprint,
                        method=request.method,
                        path=request.get_full_path()[:500],
                        response_status=response.status_code,
                        response_body=response.content.decode(response.charset or "utf-8"),
                        response_content_type=response.get("Content-Type", "application/json"),
                    )
                else:
                    transaction.set_rollback(True)
        except IntegrityError:
            # A concurrent request with the same key committed first; ours was rolled back.
            record = stored_record(user, key)
            if record is None:
                raise
            return _replay(record, request_fingerprint)
        if not 200 <= response.status_code < 300:
            # Failed, perhaps because a concurrent request with the same key did the work first.
            record = stored_record(user, key)
            if record is not None:
                return _replay(record, request_fingerprint)
        return response
