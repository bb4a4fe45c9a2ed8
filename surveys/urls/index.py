from django.urls import path

from surveys.views import index as views

urlpatterns = [
    path("index/", views.index_system_list, name="index-system-list"),
    path("index/new/", views.index_system_create, name="index-system-create"),
    path("index/<int:pk>/", views.index_system_detail, name="index-system-detail"),
    path("index/<int:pk>/edit/", views.index_system_edit, name="index-system-edit"),
    path("index/<int:pk>/factors/new/", views.factor_create, name="index-factor-create"),
    path("index/<int:pk>/weights/", views.weights_edit, name="index-weights-edit"),
    path("index/factors/<int:pk>/new/", views.factor_create_child, name="index-factor-create-child"),
    path("index/factors/<int:pk>/edit/", views.factor_edit, name="index-factor-edit"),
    path("index/factors/<int:pk>/weights/", views.factor_weights_edit, name="index-factor-weights-edit"),
    path("index/factors/<int:pk>/retire/", views.factor_retire, name="index-factor-retire"),
]
