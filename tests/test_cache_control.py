"""Pages for a logged-in user and every download say ``Cache-Control: private, no-store``;
static files and the anonymous login page keep their own caching."""

import pytest
from django.urls import reverse

from tests.test_url_matrix import CASES

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"
# Views that choose their own caching on purpose: no personal data, or photos kept by the
# browser for speed (private, cleared at logout by Clear-Site-Data).
OWN_CACHING = {
    "favicon",
    "visits:service_worker",
    "visits:photo_file",
    "inspectors:inspector_photo",
    "inspectors:posting_photo",
    "public:thumbnail",  # an inspector's public plaque portrait, the same for everyone
    "rectifications:evidence",
    "rectifications:evidence_thumbnail",
}
PREFERRED = ["office", "inspector", "principal", "committee", "superuser"]


def _role_for(case) -> str:
    return next(role for role in PREFERRED if role in case.allowed or "anonymous" in case.allowed)


GET_CASES = sorted(
    name for name, case in CASES.items() if case is not None and case.method == "get"
)


@pytest.mark.parametrize("name", GET_CASES)
def test_every_page_for_a_logged_in_user_is_not_stored(client, personas, name):
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(personas))
    role = _role_for(case)
    client.force_login(personas.by_role()[role])
    response = client.get(url)
    assert response.status_code == case.status_for.get(role, case.ok_status), name
    cache_control = response.get("Cache-Control", "")
    if name in OWN_CACHING:
        assert cache_control and "no-store" not in cache_control, name
    else:
        assert "private" in cache_control and "no-store" in cache_control, name


def test_posts_and_redirects_for_a_logged_in_user_are_not_stored(client, personas):
    client.force_login(personas.office)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert response["Cache-Control"] == NO_STORE


def test_exports_are_not_stored(client, personas):
    client.force_login(personas.office)
    for name in ("visits:visit_export", "rectifications:export"):
        response = client.get(reverse(name))
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["Cache-Control"] == NO_STORE, name


def test_a_download_that_chose_a_max_age_is_not_stored_either(client, personas):
    from tests import factories_visits as visits

    client.force_login(personas.office)
    attachment = visits.matrix_submitted_pdf(personas)
    response = client.get(reverse("visits:attachment_file", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_anonymous_answers_and_static_files_keep_their_caching(client, personas):
    to_login = client.get(reverse("home"))
    assert to_login.status_code == 302
    assert "Cache-Control" not in to_login
    client.force_login(personas.office)
    static = client.get("/static/js/dudao.js")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
