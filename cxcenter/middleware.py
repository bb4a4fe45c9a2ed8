"""Middleware of the product's own."""

import codecs

from django.shortcuts import render


class RefuseUndecodableForms:
    """Forms are read as UTF-8 (Django's DEFAULT_CHARSET): a form that declares another charset, or one Python does
    not know, is a 400 in the product's layout, before the CSRF check or a view would fail to decode it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset") if request.method == "POST" else None
        if charset and not is_utf8(charset):
            return render(request, "400.html", status=400)
        return self.get_response(request)


def is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False
