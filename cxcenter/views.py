from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from . import exports, outbox, selectors, services
from .approvals import pending_approvals_for
from .customer_import import CustomerImportError, read_customer_file
from .dashboard import dashboard_for
from .forms import CustomerForm, CustomerImportForm, DepartmentForm, LoginForm
from .models import Department, OutboxMessage, Role
from .roles import (
    ALL_STAFF,
    CUSTOMER_EDITORS,
    CUSTOMER_FILE_KEEPERS,
    CUSTOMER_READERS,
    DEPARTMENT_EDITORS,
    has_role,
    role_required,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        if language:
            # A language the user chose wins over the browser's from the first page after login.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
            )
        return response


@login_not_required
@require_POST
def switch_language(request):
    """Django's set_language, remembering the choice on the user for later e-mails."""
    response = set_language(request)
    language = request.POST.get("language")
    if language in dict(settings.LANGUAGES):
        services.set_preferred_language(user=request.user, language=language)
    return response


@role_required(*ALL_STAFF)
def dashboard(request):
    return render(request, "cxcenter/dashboard.html", {"dashboard": dashboard_for(request.user)})


@role_required(*ALL_STAFF)
def approvals(request):
    return render(request, "cxcenter/approvals.html", {"items": pending_approvals_for(request.user)})


@role_required(*CUSTOMER_READERS)
def customer_list(request):
    customer_filter, page = selectors.customer_page(
        request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE
    )
    if request.GET.get("export") == "xlsx":
        if not has_role(request.user, *CUSTOMER_FILE_KEEPERS):
            raise PermissionDenied
        return exports.customers_workbook(customer_filter.qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cxcenter/customer_list.html",
        {
            "filter": customer_filter,
            "page": page,
            "customers": list(page.object_list),
            "query": query.urlencode(),
            "can_edit": has_role(request.user, *CUSTOMER_EDITORS),
            "can_import": has_role(request.user, *CUSTOMER_FILE_KEEPERS),
        },
    )


@role_required(*CUSTOMER_READERS)
def customer_detail(request, pk):
    customer = selectors.get_customer_for(request.user, pk)
    return render(
        request,
        "cxcenter/customer_detail.html",
        {
            "customer": customer,
            "timeline": selectors.timeline_for(customer),
            "can_edit": has_role(request.user, *CUSTOMER_EDITORS),
        },
    )


@role_required(*CUSTOMER_EDITORS)
def customer_create(request):
    form = CustomerForm(request.POST or None)
    if form.is_valid():
        customer = services.create_customer(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Customer %(name)s created.") % {"name": customer})
        return redirect(customer)
    return render(request, "cxcenter/customer_form.html", {"form": form})


@role_required(*CUSTOMER_EDITORS)
def customer_edit(request, pk):
    customer = selectors.get_customer_for(request.user, pk)
    services.ensure_can_edit_customer(request.user, customer)
    form = CustomerForm(request.POST or None, instance=customer)
    if form.is_valid():
        services.update_customer(customer_id=customer.pk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Customer %(name)s saved.") % {"name": customer})
        return redirect(customer)
    return render(request, "cxcenter/customer_form.html", {"form": form, "customer": customer})


@role_required(*CUSTOMER_FILE_KEEPERS)
def customer_import(request):
    form = CustomerImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        try:
            rows = read_customer_file(form.cleaned_data["file"])
        except CustomerImportError as error:
            errors = error.errors
        else:
            customers = services.import_customers(rows=rows, actor=request.user)
            count = len(customers)
            messages.success(
                request,
                ngettext("%(count)d customer imported.", "%(count)d customers imported.", count) % {"count": count},
            )
            return redirect("customer-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "cxcenter/customer_import.html", {"form": form, "errors": errors}, status=status)


@role_required(*CUSTOMER_FILE_KEEPERS)
def customer_import_template(request):
    return exports.customer_import_template()


@role_required(*ALL_STAFF)
def department_list(request):
    return render(
        request,
        "cxcenter/department_list.html",
        {
            "departments": list(selectors.departments_with_counts()),
            "can_edit": has_role(request.user, *DEPARTMENT_EDITORS),
        },
    )


@role_required(*DEPARTMENT_EDITORS)
def department_edit(request, pk=None):
    department = get_object_or_404(Department, pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department)
    if form.is_valid():
        services.save_department(actor=request.user, department=department, **form.cleaned_data)
        messages.success(request, _("Department saved."))
        return redirect("department-list")
    return render(request, "cxcenter/department_form.html", {"form": form, "department": department})


@role_required(*ALL_STAFF)
def export_detail(request, pk):
    """A large export's page: it polls while the task builds the workbook, then offers the download."""
    export = selectors.get_export_for(request.user, pk)
    context = {"export": export, "is_available": services.export_file_path(export) is not None}
    template = "cxcenter/exportfile_detail.html#export-state" if request.htmx else "cxcenter/exportfile_detail.html"
    return render(request, template, context)


@role_required(*ALL_STAFF)
def export_download(request, pk):
    export = selectors.get_export_for(request.user, pk)
    path = services.export_file_path(export)
    if path is None:
        messages.error(request, _("This export is not available; ask for a new one from the list it came from."))
        return redirect("export-detail", export.pk)
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.filename)


@role_required(Role.DIRECTOR)
def notification_list(request):
    """The director's list of e-mails and jobs that failed or wait for another try, with a way to resend."""
    view = "waiting" if request.GET.get("view") == "waiting" else "failed"
    page = selectors.notification_page(request.user, view, request.GET.get("page"), settings.CX_PAGE_SIZE)
    context = {"page": page, "messages_shown": list(page.object_list), "view": view, "query": f"view={view}"}
    return render(request, "cxcenter/outboxmessage_list.html", {**context, "counts": selectors.notification_counts()})


@role_required(Role.DIRECTOR)
@require_POST
def notification_resend(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    outbox.resend(message_id=message.pk, actor=request.user)
    messages.success(request, _("“%(title)s” will be sent again shortly.") % {"title": message})
    return redirect("notification-list")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Database and broker state for monitors: 200 while the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as error:  # any database failure is reported, not raised
        database = f"error: {error.__class__.__name__}"
    broker = broker_state()
    return JsonResponse({"database": database, "broker": broker}, status=200 if database == "ok" else 503)


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "absent"
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:  # an unreachable broker is a state to report, not an error page
        return f"unreachable: {error.__class__.__name__}"
