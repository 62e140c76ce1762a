import pytest
from django.urls import reverse

from portal.demo import DEMO_PASSWORD, DEMO_USERS
from portal.roles import ASSESSOR, QUALITY_OFFICER
from tests.factories import UserFactory

LOGIN = "/inloggen/"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/handboek/",
        "/handboek/beheer-van-kwaliteitsdocumenten/",
        "/bestaat-niet/",  # same answer as a private page: existence does not leak
        "/documenten/1/bestand.pdf",
    ],
)
def test_anonymous_visitor_of_a_private_url_is_sent_to_the_login(client, demo, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_anonymous_visitor_may_read_the_public_section_and_public_procedure(
    client, demo
):
    index = client.get("/openbaar/")
    assert index.status_code == 200
    assert "Klachten en beroep" in index.content.decode()
    assert "Beheer van kwaliteitsdocumenten" not in index.content.decode()

    procedure = client.get("/handboek/klachten-en-beroep/")
    assert procedure.status_code == 200
    body = procedure.content.decode()
    assert "P-07" in body
    assert "2305" in body
    # Internal-only details stay internal.
    assert "Volgende beoordeling" not in body
    assert "Mijn werk" not in body


def test_login_page_is_dutch_and_reachable_anonymously(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="nl"' in body
    assert "Gebruikersnaam" in body
    assert "Wachtwoord" in body


def test_wrong_password_gets_a_dutch_message_and_keeps_the_username(client, demo):
    response = client.post(LOGIN, {"username": "kwaliteit", "password": "fout"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gebruikersnaam of wachtwoord klopt niet" in body
    assert 'value="kwaliteit"' in body


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=lambda u: u.username)
def test_every_demo_user_can_log_in_and_sees_the_dashboard(client, demo, demo_user):
    response = client.post(
        LOGIN, {"username": demo_user.username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/"
    body = response.content.decode()
    assert "Mijn werk" in body
    assert f"Goedendag, {demo_user.first_name}" in body


def test_dashboard_shows_roles_and_the_panels_each_app_contributes(client, demo):
    user = UserFactory(roles=[ASSESSOR])
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "Beoordelaar" in body
    assert 'id="panel-zaken"' in body
    assert 'id="panel-procedures"' in body
    assert "Klachten en beroep" in body
    # An assessor works in the front-end only: no admin panel or link.
    assert 'id="panel-beheer"' not in body
    assert reverse("wagtailadmin_home") not in body


def test_user_without_role_is_told_how_to_get_one(client, demo):
    client.force_login(UserFactory())
    body = client.get("/").content.decode()
    assert "nog geen rol" in body


def test_staff_role_opens_the_dutch_wagtail_admin(client, demo):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'lang="nl"' in response.content.decode()


def test_assessor_is_refused_the_admin(client, demo):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logged_in_user_reads_a_private_procedure_with_table_of_contents(client, demo):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get("/handboek/uitvoering-van-onderzoeken/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#sectie-voorbereiding"' in body
    assert 'id="sectie-voorbereiding"' in body
    assert "Demo-inhoud" in body


def test_logged_in_user_gets_404_for_a_page_that_does_not_exist(client, demo):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    assert client.get("/bestaat-niet/").status_code == 404


def test_logout_is_a_post_and_ends_the_session(client, demo):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.post("/uitloggen/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_not_found_page_is_dutch_and_in_the_portal_layout(client, demo):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Niet gevonden" in body
    assert "geen toegang" in body
    assert 'lang="nl"' in body
