"""Public article pages."""

from django.urls import path, register_converter

from . import views


class TwoDigitConverter:
    """A month or day in a URL, always written with two digits (/2024/07/17/)."""

    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


class YearConverter(TwoDigitConverter):
    regex = "[0-9]{4}"

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


register_converter(TwoDigitConverter, "dd")
register_converter(YearConverter, "yyyy")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
]
