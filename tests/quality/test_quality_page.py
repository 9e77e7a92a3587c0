"""The data-quality page: staff only, both languages, the scores, the list and its filters, reviewing a
finding, starting a run; in Chromium on a phone: the choropleth drawn and nothing wider than the screen."""

import pytest
from django.contrib.auth.models import Permission
from django_tasks_db.models import DBTaskResult

from quality.models import Check, QualityReview
from quality.services import quality_run
from tests.a11y import assert_no_violations
from tests.browser import PHONE, chromium, session_cookie
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db
PAGE = "/quality/"


def staff(django_user_model, name="officer", *codenames):
    user = django_user_model.objects.create_user(name, password="pw-long-enough-1", is_staff=True)
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def reviewer(client, django_user_model):
    user = staff(django_user_model, "reviewer", "view_qualityflag", "add_qualityreview")
    client.force_login(user)
    return user


@pytest.fixture
def faults():
    shared = located_enterprises([BOGURA_TOWN] * 3, name_en="Karatoya Looms", name_bn="করতোয়া তাঁত")
    (future,) = located_enterprises([NAOGAON_TOWN], year_established=2099, name_en="Atrai Rice Mill")
    located_enterprises([(89.45, 24.90)])
    quality_run()
    return {"shared": shared, "future": future}


def test_only_staff_with_the_permission_see_the_page(client, django_user_model, faults):
    assert client.get(PAGE).status_code == 302  # to the login
    client.force_login(staff(django_user_model, "clerk"))
    assert client.get(PAGE).status_code == 403


def test_the_page_opens_in_bangla_and_shows_scores_and_reasons(client, reviewer, faults):
    bangla = client.get(PAGE).content.decode()
    assert 'lang="bn"' in bangla and "ডেটার মান" in bangla and "জেলাভিত্তিক স্কোর" in bangla
    assert "হুবহু একই বিন্দুতে" in bangla  # the shared point's reason, in Bangla
    english = client.get(PAGE, {"lang": "en"}).content.decode()
    assert "3 enterprises share exactly this point" in english
    assert "Year established 2099" in english
    assert "Bogura" in english and "Naogaon" in english  # the districts' rows
    assert "4 enterprises with findings" in english


def test_a_district_shows_its_upazilas_its_history_and_only_its_list(client, reviewer, faults):
    page = client.get(PAGE, {"district": "Bogura", "lang": "en"}).content.decode()
    assert "Score by upazila" in page and "Score over time" in page
    # Each field's share filled: every one has an English name, none an address.
    assert "Share of the enterprises with each field filled" in page
    assert '<th scope="row">name (English)</th><td>100</td>' in page
    assert '<th scope="row">address</th><td>0</td>' in page
    assert "Karatoya Looms" in page and "Atrai Rice Mill" not in page
    only_years = client.get(PAGE, {"check": Check.YEAR_IMPLAUSIBLE, "lang": "en"}).content.decode()
    assert "Atrai Rice Mill" in only_years and "Karatoya Looms" not in only_years


def test_a_bad_filter_is_said_in_both_languages_not_a_server_error(client, reviewer, faults):
    response = client.get(PAGE, {"district": "Atlantis", "lang": "en"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Atlantis" in text and 'role="alert"' in text


def test_checked_and_right_is_kept_with_who_and_leaves_the_list(client, reviewer, faults):
    future = faults["future"]
    response = client.post(
        "/quality/review/",
        {"enterprise": future.pk, "check": Check.YEAR_IMPLAUSIBLE, "other": "", "back": "/quality/?lang=en"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/quality/?lang=en")
    review = QualityReview.objects.get()
    assert (review.enterprise_id, review.reviewed_by) == (future.pk, reviewer)
    assert "Atrai Rice Mill" not in client.get(PAGE, {"lang": "en"}).content.decode()


def test_reviewing_and_running_need_the_review_permission(client, django_user_model, faults):
    client.force_login(staff(django_user_model, "reader", "view_qualityflag"))
    page = client.get(PAGE, {"lang": "en"}).content.decode()
    assert "Checked, it is right" not in page and "Run the checks now" not in page
    refused = client.post(
        "/quality/review/", {"enterprise": faults["future"].pk, "check": "year_implausible"}
    )
    assert refused.status_code == 403 and not QualityReview.objects.exists()
    assert client.post("/quality/run/").status_code == 403


def test_run_now_queues_a_run_for_the_worker(client, reviewer, faults):
    before = DBTaskResult.objects.filter(task_path="quality.tasks.run_quality_checks").count()
    assert client.post("/quality/run/", {"back": "/quality/"}).status_code == 302
    assert DBTaskResult.objects.filter(task_path="quality.tasks.run_quality_checks").count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_map_is_drawn_and_nothing_is_wider_than_the_screen(live_server, django_user_model):
    located_enterprises([BOGURA_TOWN] * 3)
    located_enterprises([NAOGAON_TOWN])
    quality_run()
    user = staff(django_user_model, "phone", "view_qualityflag", "add_qualityreview")
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        context.add_cookies([session_cookie(user, live_server.url)])
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{live_server.url}{PAGE}")
        page.wait_for_selector("#quality-map path.leaflet-interactive")
        assert page.locator("#quality-map path.leaflet-interactive").count() == 64
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_no_violations(page, "quality page, Bangla, phone", context={"exclude": [["#quality-map"]]})
        page.locator("#quality-map path.leaflet-interactive").first.click(force=True)
        page.wait_for_url("**district=**")
        page.wait_for_selector("#quality-map path.leaflet-interactive")
        assert "উপজেলা" in page.content()
        assert not problems, problems
        context.close()
