"""The small forms of the case page's actions. Each has its own prefix, so several can sit
on one page and an error points at the right one."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from townhall.cases.models import Case, Priority
from townhall.console.selectors import assignable_staff
from townhall.core.forms import GovUKForm
from townhall.core.uploads import allowed_types_text, check_upload

UNASSIGN = "nobody"


class CaseActionForm(GovUKForm):
    title = ""

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user


class VersionedForm(CaseActionForm):
    """Carries the case version the page showed, so a change made meanwhile by someone else
    is refused rather than overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {})["version"] = case.version
        super().__init__(*args, case=case, **kwargs)


class AssignForm(VersionedForm):
    prefix = "assign"
    title = _("Assign")
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        staff = {u.pk: u for u in assignable_staff([case.team_id])}
        staff.setdefault(user.pk, user)
        self.staff = staff
        self.fields["assignee"].choices = [
            (str(user.pk), _("Me (%(name)s)") % {"name": user}),
            *((str(pk), str(u)) for pk, u in staff.items() if pk != user.pk),
            (UNASSIGN, _("Nobody (unassign)")),
        ]
        self.fields["assignee"].initial = str(case.assignee_id or user.pk)

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return None if value == UNASSIGN else self.staff[int(value)]


class StatusForm(VersionedForm):
    prefix = "status"
    title = _("Change status")
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Kept on the timeline for staff. The resident sees only the new status."),
    )
    public_text = forms.CharField(
        label=_("Message to the resident (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Shown on their request and emailed to them. Closing a request always tells them."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        service = case.service
        self.fields["status"].choices = [
            (s["key"], service.staff_state_label(s["key"])) for s in service.workflow if s["key"] != case.status
        ]
        self.fields["status"].error_messages["required"] = _("Select the new status")
        self.fields["reason"].error_messages["required"] = _("Enter the reason for the change")


class PriorityForm(VersionedForm):
    prefix = "priority"
    title = _("Set priority")
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["priority"].initial = case.priority


class TextForm(CaseActionForm):
    """Notes, updates and messages: additions to the timeline, which never clash with
    another person's change, so they carry no version."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    label = hint = required_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label, field.help_text = self.label, self.hint
        field.error_messages["required"] = self.required_message


class NoteForm(TextForm):
    prefix = "note"
    title = _("Add an internal note")
    label = _("Internal note")
    hint = _("Staff only: never shown to the resident.")
    required_message = _("Enter the note")


class PublicUpdateForm(TextForm):
    prefix = "update"
    title = _("Post a public update")
    label = _("Update")
    hint = _("Shown on their request and emailed to the resident.")
    required_message = _("Enter the update")


class MessageForm(TextForm):
    prefix = "message"
    title = _("Message the resident")
    label = _("Message")
    hint = _("Emailed to the resident; they can reply.")
    required_message = _("Enter the message")


class AttachmentForm(CaseActionForm):
    prefix = "upload"
    title = _("Upload a file")
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Select a file"), "empty": _("The selected file is empty")},
    )
    public = forms.BooleanField(label=_("The resident can see it"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s, smaller than %(limit)s") % {
            "types": allowed_types_text(),
            "limit": filesizeformat(settings.FILE_UPLOAD_MAX_BYTES),
        }

    def clean_file(self):
        # Checked here as well as by the service, so the message sits by the field.
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload
