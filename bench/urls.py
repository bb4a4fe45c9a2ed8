"""The product's URLs plus a bare view that inserts one row: the baseline of benchmark B1."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from cxcenter.urls import urlpatterns as product_urlpatterns


@login_not_required
@require_POST
def bare_insert(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (created_at, payload) VALUES (now(), %s)", [request.POST.get("payload", "")]
        )
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare_insert), *product_urlpatterns]
