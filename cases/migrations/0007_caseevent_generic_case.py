"""The logbook reaches its case generically (issue 12): one (content type, id)
pair instead of one foreign key per kind of case, so a new kind needs no field on
CaseEvent. Every existing event keeps its case: the pair is filled from the old
foreign key before that is removed."""

import django.db.models.deletion
from django.db import migrations, models

KINDS = ("appeal", "signal", "complaint", "mediation")


def forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for kind in KINDS:
        events = CaseEvent.objects.filter(**{f"{kind}__isnull": False})
        if not events.exists():
            continue
        case_type, _created = ContentType.objects.get_or_create(
            app_label="cases", model=kind
        )
        for event in events.only("pk", f"{kind}_id").iterator(chunk_size=2000):
            CaseEvent.objects.filter(pk=event.pk).update(
                case_type=case_type, case_id=getattr(event, f"{kind}_id")
            )
    orphans = CaseEvent.objects.filter(case_id__isnull=True).count()
    if orphans:
        raise RuntimeError(f"{orphans} logbook events belong to no case")


def backward(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for event in CaseEvent.objects.select_related("case_type").iterator():
        CaseEvent.objects.filter(pk=event.pk).update(
            **{f"{event.case_type.model}_id": event.case_id}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_complaints_mediation"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="case_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="case_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="caseevent", name="appeal"),
        migrations.RemoveField(model_name="caseevent", name="complaint"),
        migrations.RemoveField(model_name="caseevent", name="mediation"),
        migrations.RemoveField(model_name="caseevent", name="signal"),
        migrations.AlterField(
            model_name="caseevent",
            name="case_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="case_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                fields=["case_type", "case_id"], name="caseevent_case_idx"
            ),
        ),
    ]
