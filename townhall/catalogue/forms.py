"""Forms of the service builder. They check what one page can; the services check the rest."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Team
from townhall.catalogue.editing import suggest_key
from townhall.catalogue.fees import pricing_rule_choices, refund_rule_choices
from townhall.catalogue.field_messages import PlainMessagesMixin
from townhall.catalogue.models import Channel, Department, FeeKind, KnowledgeArticle, Service, ServiceStatus
from townhall.catalogue.questions import CHOICE_TYPES, QUESTION_TYPES, is_valid_key, parse_questions
from townhall.catalogue.services import ARTICLE_FIELDS, SERVICE_FIELDS
from townhall.core.forms import GovUKForm, GovUKModelForm
from townhall.core.money import parse_pounds
from townhall.notifications.placeholders import placeholder_error

SLUG_HINT = _("Used in web addresses. Lower-case letters, numbers and hyphens; leave blank to make one from the name.")
_NARROW_NUMBER = {"inputmode": "numeric", "class": "govuk-input--width-4"}
_YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class BuilderForm(PlainMessagesMixin, GovUKForm):
    """A form of the service builder: Django's own error messages replaced by plain ones."""


class BuilderModelForm(PlainMessagesMixin, GovUKModelForm):
    """A model form of the service builder: Django's own error messages replaced by plain ones."""


class SlugFromNameMixin:
    """The slug may be left blank: it is then made from the form's `slug_source` field."""

    slug_source = "name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get(self.slug_source):
            cleaned["slug"] = slugify(cleaned[self.slug_source])[: self.fields["slug"].max_length]
        return cleaned


class ServiceForm(SlugFromNameMixin, BuilderModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels offered"),
        help_text=_("Select every way people can ask for this service."),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one channel the service is offered on")},
    )

    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        labels = {
            "name": _("Name"),
            "slug": _("Slug"),
            "department": _("Department"),
            "summary": _("Summary"),
            "description": _("Description"),
            "eligibility": _("Who can use it"),
            "keywords": _("Search words"),
            "team": _("Team"),
            "deadline_working_days": _("Deadline in working days"),
            "restricted": _("Restricted: only named teams can see its requests"),
            "restricted_to_teams": _("Teams that can see its requests"),
            "open311_code": _("Open311 service code"),
            "reopen_days": _("Days in which a reply reopens a resolved request"),
        }
        help_texts = {
            "name": _("Start with a verb, for example “Report a blocked drain”."),
            "slug": SLUG_HINT,
            "restricted_to_teams": _("Only if restricted. The team requests are routed to can always see them."),
            "open311_code": _("Optional. How back-office systems and apps name this service."),
        }
        widgets = {
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "deadline_working_days": forms.TextInput(attrs=_NARROW_NUMBER),
            "reopen_days": forms.TextInput(attrs=_NARROW_NUMBER),
            "restricted_to_teams": forms.CheckboxSelectMultiple,
            "open311_code": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        }
        error_messages = {
            "name": {"required": _("Enter the name of the service")},
            "summary": {"required": _("Enter a one-sentence summary")},
            "department": {"required": _("Select a department")},
            "team": {"required": _("Select the team requests go to")},
            "slug": {"unique": _("Another service already uses this slug. Choose another.")},
            "open311_code": {"unique": _("Another service already uses this Open311 code.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = _("Choose a department")
        self.fields["team"].empty_label = _("Choose a team")
        self.fields["restricted_to_teams"].queryset = Team.objects.order_by("name")
        if self.instance.current_form_id is not None:
            del self.fields["slug"]  # fixed once published: people and other systems link to it
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("channels", list(self.instance.channels))


class ConfirmForm(BuilderForm):
    """Nothing to fill in: carries a refusal to the error summary of a confirmation page."""


class ServiceFilterForm(BuilderForm):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *ServiceStatus.choices], required=False)


class DepartmentForm(SlugFromNameMixin, BuilderModelForm):
    class Meta:
        model = Department
        fields = ["name", "slug", "description"]
        labels = {"name": _("Name"), "slug": _("Slug"), "description": _("Description")}
        help_texts = {"slug": SLUG_HINT, "description": _("Optional.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": _("Enter the department’s name"), "unique": _("A department has this name already")},
            "slug": {"unique": _("Another department already uses this slug")},
        }


class ArticleForm(SlugFromNameMixin, BuilderModelForm):
    slug_source = "title"

    class Meta:
        model = KnowledgeArticle
        fields = ARTICLE_FIELDS
        labels = {
            "title": _("Title"),
            "slug": _("Slug"),
            "summary": _("Summary"),
            "body": _("Article"),
            "department": _("Department"),
            "services": _("Services it helps with"),
            "keywords": _("Search words"),
            "published": _("Published: residents can find it"),
        }
        help_texts = {
            "title": _("Usually the question people ask, for example “When are bins collected?”."),
            "slug": SLUG_HINT,
            "department": _("Optional."),
            "services": _("Optional. The article is shown on these services’ pages."),
            "keywords": _("Optional. Other words people search for."),
        }
        widgets = {
            "summary": forms.TextInput(),
            "body": forms.Textarea(attrs={"rows": 12}),
            "services": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": _("Enter the title")},
            "summary": {"required": _("Enter a one-sentence summary")},
            "body": {"required": _("Enter the article")},
            "slug": {"unique": _("Another article already uses this slug. Choose another.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = _("None")
        self.fields["services"].queryset = Service.objects.order_by("name")


# Questions


class QuestionTypeForm(BuilderForm):
    label_is_heading = True

    type = forms.ChoiceField(
        label=_("What type of question is it?"),
        choices=list(QUESTION_TYPES.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the type of question"),
            "invalid_choice": _("Select a type from the list"),
        },
    )


class QuestionForm(BuilderForm):
    """One question of a form. Shows only the settings its type has."""

    label = forms.CharField(
        label=_("Question"),
        max_length=300,
        help_text=_("As the resident reads it, for example “Where is the blocked drain?”."),
        error_messages={"required": _("Enter the question")},
    )
    hint = forms.CharField(
        label=_("Hint"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Help shown under the question."),
    )
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=60,
        help_text=_(
            "How the answer is named in exports and the API. Lower-case letters, numbers and underscores; "
            "leave blank to make one from the question."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    required = forms.ChoiceField(
        label=_("Must people answer it?"),
        choices=_YES_NO,
        initial="yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether people must answer it"),
            "invalid_choice": _("Select yes or no for whether people must answer it"),
        },
    )
    options = forms.CharField(
        label=_("Answers to choose from"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "One a line, as value|Label, for example “garden|Garden waste”. "
            "A line with no | uses the label to make its value."
        ),
        error_messages={"required": _("Enter the answers to choose from")},
    )
    min = forms.IntegerField(
        label=_("Smallest allowed number"), required=False, help_text=_("Optional."), widget=forms.TextInput()
    )
    max = forms.IntegerField(
        label=_("Largest allowed number"), required=False, help_text=_("Optional."), widget=forms.TextInput()
    )
    max_length = forms.IntegerField(
        label=_("Most characters allowed"),
        required=False,
        min_value=1,
        max_value=5000,
        help_text=_("Optional."),
        widget=forms.TextInput(attrs=_NARROW_NUMBER),
    )
    show_if = forms.ChoiceField(
        label=_("When to show it"),
        required=False,
        help_text=_("A question can depend on the answer to an earlier choice or yes-or-no question."),
    )

    def __init__(self, *args, question_type: str, others: list[dict], earlier: list[dict], **kwargs):
        """`others`: every other question of the form; `earlier`: those before this one."""
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        self.taken_keys = {item["key"] for item in others}
        if question_type not in CHOICE_TYPES:
            del self.fields["options"]
        if question_type != "number":
            del self.fields["min"], self.fields["max"]
        else:
            for name in ("min", "max"):
                self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "govuk-input--width-10"})
        if question_type not in {"text", "long_text"}:
            del self.fields["max_length"]
        conditions = [
            (
                f"{question.key}={option.value}",
                _("If the answer to “%(question)s” is “%(answer)s”")
                % {"question": question.label, "answer": option.label},
            )
            for question in parse_questions(earlier)
            if question.type in CHOICE_TYPES or question.type == "yes_no"
            for option in question.options
        ]
        if conditions:
            self.fields["show_if"].choices = [("", _("Always")), *conditions]
        else:
            del self.fields["show_if"]

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if key and not is_valid_key(key):
            raise forms.ValidationError(
                _("The key must start with a letter and use only lower-case letters, numbers and underscores")
            )
        if key in self.taken_keys:
            raise forms.ValidationError(_("Another question already uses this key"))
        return key

    def clean_options(self) -> list[dict]:
        options, errors = [], []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            value, bar, label = (part.strip() for part in line.partition("|"))
            if not bar:
                value, label = slugify(line).replace("-", "_"), line.strip()
            if not value or not label:
                errors.append(_("Line %(n)s needs a value and a label, as value|Label") % {"n": number})
            options.append({"value": value, "label": label})
        if errors:
            raise forms.ValidationError(errors)
        if len(options) < 2:
            raise forms.ValidationError(_("Enter at least two answers to choose from"))
        if len({o["value"] for o in options}) != len(options):
            raise forms.ValidationError(_("Each answer must have a different value"))
        return options

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("max", _("The largest allowed number must be at least the smallest"))
        if not cleaned.get("key") and cleaned.get("label") and "key" not in self.errors:
            cleaned["key"] = suggest_key(cleaned["label"], self.taken_keys)
        return cleaned

    def question(self) -> dict:
        """The question as the form definition stores it."""
        data = self.cleaned_data
        question = {
            "key": data["key"],
            "type": self.question_type,
            "label": data["label"].strip(),
            "hint": data["hint"].strip(),
            "required": data["required"] == "yes",
        }
        if "options" in data:
            question["options"] = data["options"]
        for name in ("min", "max", "max_length"):
            if data.get(name) is not None:
                question[name] = data[name]
        if data.get("show_if"):
            parent, _sep, value = data["show_if"].partition("=")
            question["show_if"] = {"question": parent, "equals": value}
        return question

    @staticmethod
    def initial_for(question: dict) -> dict:
        """What the form shows to edit a stored question."""
        initial = {
            "key": question["key"],
            "label": question["label"],
            "hint": question.get("hint", ""),
            "required": "yes" if question.get("required", True) else "no",
            "min": question.get("min"),
            "max": question.get("max"),
            "max_length": question.get("max_length"),
        }
        if question.get("options"):
            initial["options"] = "\n".join(f"{o['value']}|{o['label']}" for o in question["options"])
        if question.get("show_if"):
            initial["show_if"] = f"{question['show_if']['question']}={question['show_if']['equals']}"
        return initial


# Workflow and emails


class WorkflowForm(BuilderForm):
    """Every state in one form, with spare rows to add states; no JavaScript needed."""

    spare_rows = 2

    def __init__(self, *args, states: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.row_count = len(states) + self.spare_rows
        for index in range(self.row_count):
            state = states[index] if index < len(states) else {}
            self.fields[f"label_{index}"] = forms.CharField(
                label=_("Label"), required=False, max_length=100, initial=state.get("label")
            )
            self.fields[f"staff_label_{index}"] = forms.CharField(
                label=_("Label staff see (optional)"),
                help_text=_("Only needed where the label speaks to the resident, like “Waiting for your reply”."),
                required=False,
                max_length=100,
                initial=state.get("staff_label"),
            )
            self.fields[f"key_{index}"] = forms.CharField(
                label=_("Key"),
                required=False,
                max_length=40,
                initial=state.get("key"),
                widget=forms.TextInput(attrs={"spellcheck": "false"}),
            )
            self.fields[f"position_{index}"] = forms.IntegerField(
                label=_("Position"),
                required=False,
                min_value=1,
                initial=index + 1 if state else None,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
            )
            self.fields[f"closed_{index}"] = forms.BooleanField(
                label=_("Closed: the request is finished"), required=False, initial=state.get("closed", False)
            )
            if state:
                self.fields[f"remove_{index}"] = forms.BooleanField(label=_("Remove this state"), required=False)

    def rows(self) -> list[dict]:
        """Each row's bound fields by name, for the template."""
        return [
            {
                "number": index + 1,
                **{
                    name: self[f"{name}_{index}"]
                    for name in ("label", "staff_label", "key", "position", "closed", "remove")
                    if f"{name}_{index}" in self.fields
                },
            }
            for index in range(self.row_count)
        ]

    def clean(self):
        cleaned = super().clean()
        states = []
        for index in range(self.row_count):
            label, key = cleaned.get(f"label_{index}", "").strip(), cleaned.get(f"key_{index}", "").strip()
            if cleaned.get(f"remove_{index}") or not (label or key):
                continue
            if not label:
                self.add_error(f"label_{index}", _("Enter a label for the state with key “%(key)s”") % {"key": key})
            if not key:
                key = slugify(label).replace("-", "_")[:40]
            position = cleaned.get(f"position_{index}")
            state = {"key": key, "label": label, "closed": cleaned.get(f"closed_{index}")}
            if staff_label := cleaned.get(f"staff_label_{index}", "").strip():
                state["staff_label"] = staff_label
            states.append(((position or self.row_count + index, index), state))
        cleaned["states"] = [state for _order, state in sorted(states, key=lambda pair: pair[0])]
        return cleaned


class EmailTemplateForm(BuilderForm):
    subject = forms.CharField(
        label=_("Subject"), max_length=200, error_messages={"required": _("Enter the subject of the email")}
    )
    body = forms.CharField(
        label=_("Text of the email"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Put placeholders in double brackets, like ((reference)). Blank lines separate paragraphs."),
        error_messages={"required": _("Enter the text of the email")},
    )

    def __init__(self, *args, event: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_subject(self) -> str:
        return self._placeholders_checked("subject")

    def clean_body(self) -> str:
        return self._placeholders_checked("body")

    def _placeholders_checked(self, name: str) -> str:
        text = self.cleaned_data[name].strip()
        if problem := placeholder_error(text, self.event):
            raise forms.ValidationError(problem)
        return text


class FeeForm(BuilderForm):
    fee_kind = forms.ChoiceField(
        label=_("Does the service cost money?"),
        choices=FeeKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether the service costs money"),
            "invalid_choice": _("Choose whether the service costs money from the list"),
        },
    )
    fee = forms.CharField(
        label=_("Fee, or price of one item"),
        help_text=_("In pounds, for example 35 or 4.50."),
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal", "spellcheck": "false"}),
    )
    fee_item_question = forms.ChoiceField(label=_("Number question that says how many items"), required=False)
    fee_rule = forms.ChoiceField(label=_("Pricing rule"), required=False)
    fund_code = forms.CharField(
        label=_("Ledger code"),
        help_text=_("The finance system’s fund or cost code income from this service is posted to."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    refund_rule = forms.ChoiceField(label=_("Refund rule"), required=False)

    def __init__(self, *args, number_questions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee_item_question"].choices = [("", _("Choose a question")), *number_questions]
        self.fields["fee_rule"].choices = [("", _("Choose a rule")), *pricing_rule_choices()]
        self.fields["refund_rule"].choices = [("", _("None: refunds up to what was paid")), *refund_rule_choices()]

    def clean_fee(self) -> int:
        text = self.cleaned_data["fee"]
        if not text:
            return 0
        try:
            return parse_pounds(text)
        except ValueError:
            raise forms.ValidationError(_("Enter the fee in pounds, for example 35 or 4.50")) from None
