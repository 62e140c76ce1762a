import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cases.models import (
    Audit,
    Certificate,
    CertificationDecision,
    ClientUserObjectPermission,
    EvidenceFile,
)
from cases.models.evidence import evidence_storage
from cases.selectors import dossiers_visible_to, evidence_visible_to
from cases.services import (
    certificate_adjust,
    certificate_issue,
    decision_mark_emailed,
    decision_record,
    decision_supersede,
    decision_update,
    dossier_access_grant,
    dossier_access_revoke,
    evidence_delete,
    evidence_upload,
    evidence_verify,
    grants_expire,
)
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return UserFactory(roles=[OFFICE_MANAGER])


@pytest.fixture
def quality_officer():
    return UserFactory(roles=[QUALITY_OFFICER])


@pytest.fixture
def decider():
    return UserFactory(roles=[CERTIFICATION_DECIDER])


@pytest.fixture
def client_org():
    return ClientFactory(name="Zorginstelling Testlaan")


@pytest.fixture
def audit(client_org):
    leader = UserFactory(roles=[ASSESSOR])
    audit = Audit.objects.create(
        client=client_org,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(2026, 9, 1),
        team_leader=leader,
    )
    audit.assessors.add(UserFactory(roles=[ASSESSOR]))
    return audit


@pytest.fixture
def decision(audit, decider, office):
    return decision_record(
        audit=audit,
        decider=decider,
        outcome="continued",
        motivation="Voldoet aan alle eisen.",
        by=office,
    )


def _pdf_bytes(text="Bevinding over klachtenbehandeling"):
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def _upload(client_org, by, data=b"Verslag.\n", name="verslag.txt", **kw):
    return evidence_upload(
        client=client_org,
        uploaded_file=ContentFile(data, name=name),
        by=by,
        **kw,
    )


# -- decisions (A9: immutable once e-mailed, superseded not edited) ------------


def test_decision_can_be_corrected_until_it_is_emailed(decision, decider):
    decision_update(decision=decision, by=decider, motivation="Aangevulde motivering.")
    decision.refresh_from_db()
    assert decision.motivation == "Aangevulde motivering."


def test_emailed_decision_cannot_be_edited_and_stays_unchanged_A9(decision, decider):
    decision_mark_emailed(decision=decision, by=decider)
    with pytest.raises(ValidationError, match="kan niet meer worden gewijzigd"):
        decision_update(decision=decision, by=decider, outcome="refused")
    decision.refresh_from_db()
    assert decision.outcome == "continued"


def test_emailed_decision_is_superseded_and_both_remain_A9(decision, audit, office):
    first_decider = decision.decider
    decision_mark_emailed(decision=decision, by=first_decider)
    other = UserFactory(roles=[CERTIFICATION_DECIDER])
    new = decision_supersede(
        decision=decision,
        decider=other,
        outcome="suspended",
        motivation="Na heroverweging geschorst.",
        reason="Beroep gegrond verklaard.",
        by=office,
    )
    assert new.supersedes == decision
    assert set(CertificationDecision.objects.filter(audit=audit)) == {decision, new}
    with pytest.raises(ValidationError, match="al vervangen"):
        decision_supersede(
            decision=decision,
            decider=other,
            outcome="refused",
            motivation="x",
            reason="y",
            by=office,
        )


def test_unsent_decision_is_corrected_not_superseded(decision, decider):
    with pytest.raises(ValidationError, match="nog niet verzonden"):
        decision_supersede(
            decision=decision,
            decider=decider,
            outcome="refused",
            motivation="x",
            reason="y",
            by=decider,
        )
    assert CertificationDecision.objects.count() == 1


def test_audit_team_member_may_not_decide_on_that_audit(audit, office):
    leader = audit.team_leader
    leader.groups.add(*UserFactory(roles=[CERTIFICATION_DECIDER]).groups.all())
    with pytest.raises(ValidationError, match="teamleider of beoordelaar"):
        decision_record(
            audit=audit, decider=leader, outcome="granted", motivation="x", by=office
        )
    assert not CertificationDecision.objects.exists()


def test_only_deciders_and_register_keepers_record_decisions(audit, decider):
    with pytest.raises(PermissionDenied):
        decision_record(
            audit=audit,
            decider=decider,
            outcome="granted",
            motivation="x",
            by=UserFactory(roles=[CORE_GROUP]),
        )


# -- certificates: adjusted by new versions ------------------------------------


def test_certificate_adjustment_makes_a_new_version_and_keeps_the_old(
    client_org, office
):
    v1 = certificate_issue(
        client=client_org,
        number="C-001",
        scope="Thuiszorg",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
        by=office,
    )
    v2 = certificate_adjust(
        certificate=v1, by=office, reason="Geschorst na beroep.", status="suspended"
    )
    v1.refresh_from_db()
    assert (v1.version, v1.status, v1.is_current) == (1, "active", False)
    assert (v2.version, v2.status, v2.previous, v2.is_current) == (
        2,
        "suspended",
        v1,
        True,
    )
    with pytest.raises(ValidationError, match="nieuwere versie"):
        certificate_adjust(certificate=v1, by=office, reason="x", scope="y")
    assert Certificate.objects.count() == 2


def test_certificate_with_end_before_start_is_refused_in_dutch(client_org, office):
    with pytest.raises(ValidationError) as exc:
        certificate_issue(
            client=client_org,
            number="C-002",
            scope="x",
            valid_from=datetime.date(2026, 1, 1),
            valid_until=datetime.date(2025, 1, 1),
            by=office,
        )
    assert "Geldig tot" in str(exc.value)
    assert not Certificate.objects.exists()


# -- grants ---------------------------------------------------------------------


def test_dossier_grant_ends_by_itself_at_its_expiry(client_org, office):
    notary = UserFactory()
    dossier_access_grant(
        client=client_org,
        user=notary,
        by=office,
        reason="E4",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert list(dossiers_visible_to(notary)) == [client_org]
    ClientUserObjectPermission.objects.update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert not dossiers_visible_to(notary).exists()
    assert grants_expire() == 1
    assert ModelLogEntry.objects.filter(action="portal.grant_expired").count() == 1


def test_grant_and_revoke_are_logged_and_revoke_is_immediate(client_org, office):
    user = UserFactory()
    dossier_access_grant(client=client_org, user=user, by=office, reason="test")
    assert dossiers_visible_to(user).exists()
    dossier_access_revoke(client=client_org, user=user, by=office, reason="klaar")
    assert not dossiers_visible_to(user).exists()
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(client_org.pk)).values_list(
            "action", flat=True
        )
    )
    assert "portal.grant" in actions
    assert "portal.revoke" in actions


def test_only_register_keepers_grant_access(client_org):
    with pytest.raises(PermissionDenied):
        dossier_access_grant(
            client=client_org,
            user=UserFactory(),
            by=UserFactory(roles=[CORE_GROUP]),
            reason="x",
        )
    assert not ClientUserObjectPermission.objects.exists()


def test_grant_with_expiry_in_the_past_is_refused(client_org, office):
    with pytest.raises(ValidationError, match="verleden"):
        dossier_access_grant(
            client=client_org,
            user=UserFactory(),
            by=office,
            reason="x",
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )


# -- evidence ---------------------------------------------------------------------


def test_stored_sha256_equals_the_hash_of_the_stored_bytes(client_org, office):
    data = _pdf_bytes()
    ev = _upload(client_org, office, data=data, name="rapport.pdf")
    stored = evidence_storage().open(ev.file.name, "rb").read()
    assert stored == data
    assert ev.sha256 == hashlib.sha256(stored).hexdigest()
    assert ev.content_type == "application/pdf"
    assert ev.size == len(data)


def test_evidence_lives_outside_media_root_without_a_url(client_org, office, settings):
    ev = _upload(client_org, office)
    path = evidence_storage().path(ev.file.name)
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(NotImplementedError):
        evidence_storage().url(ev.file.name)


def test_uploaded_text_is_extracted_and_searchable(
    client_org, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ev = _upload(client_org, office, data=_pdf_bytes("Zeldzaamwoord xylofoon"))
    ev.refresh_from_db()
    assert "xylofoon" in ev.extracted_text
    assert ev.extraction_error == ""


def test_malformed_pdf_is_kept_with_its_extraction_error(
    client_org, office, django_capture_on_commit_callbacks
):
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + b"\x00garbage" * 50
    with django_capture_on_commit_callbacks(execute=True):
        ev = _upload(client_org, office, data=broken, name="kapot.pdf")
    ev.refresh_from_db()
    assert ev.extracted_text == ""
    assert "PDF" in ev.extraction_error
    assert evidence_storage().exists(ev.file.name)


def test_executable_renamed_pdf_is_refused_and_nothing_is_stored(client_org, office):
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    with pytest.raises(ValidationError) as exc:
        _upload(client_org, office, data=exe, name="rapport.pdf")
    assert "niet opgeslagen" in " ".join(exc.value.messages)
    assert "Toegestaan zijn" in " ".join(exc.value.messages)
    assert not EvidenceFile.objects.exists()
    root = evidence_storage().location
    assert not any(p.is_file() for p in __import__("pathlib").Path(root).rglob("*"))


def test_file_over_the_limit_is_refused_with_the_limit_in_the_message(
    client_org, office, settings
):
    settings.PORTAL_EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="de grens is 1 MB"):
        _upload(client_org, office, data=b"a" * (1024 * 1024 + 1))
    assert not EvidenceFile.objects.exists()


def test_user_without_access_to_the_dossier_cannot_upload(client_org):
    outsider = UserFactory(roles=[CORE_GROUP])
    with pytest.raises(PermissionDenied):
        _upload(client_org, outsider)


def test_new_version_is_a_new_file_and_the_old_one_stays(client_org, office):
    v1 = _upload(client_org, office, data=b"versie 1\n")
    v2 = _upload(client_org, office, data=b"versie 2\n", replaces=v1)
    assert v2.replaces == v1
    assert evidence_storage().open(v1.file.name).read() == b"versie 1\n"
    with pytest.raises(ValidationError, match="nieuwere versie"):
        _upload(client_org, office, data=b"versie 2b\n", replaces=v1)


def test_only_the_quality_officer_deletes_evidence_and_a_tombstone_remains(
    client_org, office, quality_officer, django_capture_on_commit_callbacks
):
    ev = _upload(client_org, office)
    name = ev.file.name
    with pytest.raises(PermissionDenied):
        evidence_delete(evidence=ev, by=office, reason="weg ermee")
    with pytest.raises(ValidationError, match="waarom"):
        evidence_delete(evidence=ev, by=quality_officer, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=ev, by=quality_officer, reason="Verkeerde klant.")
    ev.refresh_from_db()
    assert ev.is_deleted
    assert ev.deletion_reason == "Verkeerde klant."
    assert ev.original_name == "verslag.txt"  # the tombstone keeps what it was
    assert not evidence_storage().exists(name)
    assert ev in evidence_visible_to(office)
    assert ModelLogEntry.objects.filter(
        action="portal.evidence.delete", object_id=str(ev.pk)
    ).exists()


def test_verify_evidence_reports_a_tampered_and_a_missing_file(client_org, office):
    good = _upload(client_org, office, data=b"goed\n", name="goed.txt")
    tampered = _upload(client_org, office, data=b"origineel\n", name="a.txt")
    missing = _upload(client_org, office, data=b"weg\n", name="b.txt")
    with open(evidence_storage().path(tampered.file.name), "ab") as fh:
        fh.write(b"aangepast")
    evidence_storage().delete(missing.file.name)

    checked, problems = evidence_verify()
    assert checked == 3
    assert {(p.evidence.pk, p.problem) for p in problems} == {
        (tampered.pk, "altered"),
        (missing.pk, "missing"),
    }
    assert good.pk not in {p.evidence.pk for p in problems}

    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_evidence")
    assert exit_info.value.code == 1


def test_verify_evidence_exits_zero_when_all_is_well(client_org, office, capsys):
    _upload(client_org, office)
    call_command("verify_evidence")
    assert "0 probleem" in capsys.readouterr().out
