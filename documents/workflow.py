"""The revision workflow of the quality documents: "Wijziging kwaliteitsdocument".

The quality officer drafts a revision of a live procedure and submits it with its
change summary; management approves (a group approval task); approval publishes.
The quality officer has no publish permission of their own, so a revision cannot
go live without that approval; management has it, as Wagtail requires of the
approvers (DESIGN.md, pitfalls)."""

from __future__ import annotations

from django.db import transaction

from portal.roles import MANAGEMENT, role_group

from .models import HandbookPage

WORKFLOW_NAME = "Wijziging kwaliteitsdocument"
TASK_NAME = "Goedkeuring directie"


@transaction.atomic
def revision_workflow_ensure():
    """Create the workflow and attach it to the quality handbook (so every procedure
    below it uses it). Idempotent; returns the workflow or None without handbook."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([role_group(MANAGEMENT)])
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    for handbook in HandbookPage.objects.all():
        WorkflowPage.objects.update_or_create(
            page=handbook.page_ptr, defaults={"workflow": workflow}
        )
    return workflow
