"""allauth's forms, worded and marked up for the GOV.UK Design System.

Configured by ACCOUNT_FORMS and MFA_FORMS in settings.py. The forms keep allauth's
behaviour; they change labels, hints and error messages (British English, specific
"Enter your ..." messages) and drop placeholders, which the Design System does not use.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from allauth.account import forms as account_forms
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

Text: TypeAlias = str | Promise  # plain or lazily translated

EMAIL_FORMAT_ERROR = _("Enter an email address in the correct format, like name@example.com")
PASSWORD_MISMATCH_ERROR = _("The passwords do not match")
AUTHENTICATOR_CODE = _("Enter the code from your authenticator app")
CONFIRM_IT_IS_YOU_HINT = _("For your security, confirm it is you before you continue.")

# The Design System's password input: a "Show" button, added by govuk-frontend's JavaScript.
PASSWORD_WIDGET_CLASS = "govuk-password-input__input govuk-js-password-input-input"  # noqa: S105 - CSS classes
CODE_WIDGET_CLASS = "govuk-input--width-10"


def new_password_hint() -> str:
    """What AUTH_PASSWORD_VALIDATORS ask for, in one sentence."""
    min_length = next(
        (
            validator.min_length
            for validator in password_validation.get_default_password_validators()
            if isinstance(validator, password_validation.MinimumLengthValidator)
        ),
        8,
    )
    return ngettext(
        "Use at least %(count)d character. Avoid common passwords and ones like your email address.",
        "Use at least %(count)d characters. Avoid common passwords and ones like your email address.",
        min_length,
    ) % {"count": min_length}


class GovUKFormMixin:
    """Drops placeholders from allauth's widgets and adds wording helpers."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def _word(
        self, name: str, label: Text, *, required: Text = "", hint: Text = "", **errors: Text
    ) -> forms.Field | None:
        field = self.fields.get(name)
        if field is None:
            return None
        field.label = label
        field.help_text = hint
        if required:
            field.error_messages["required"] = required
        field.error_messages.update(errors)
        return field

    def _email(self, name: str, label: Text, *, required: Text, hint: Text = "") -> None:
        field = self._word(name, label, required=required, hint=hint, invalid=EMAIL_FORMAT_ERROR)
        if field is not None:
            field.widget.attrs.update(autocomplete="email", spellcheck="false")

    def _password(self, name: str, label: Text, *, required: Text, hint: Text = "", new: bool = False) -> None:
        field = self._word(name, label, required=required, hint=hint)
        if field is not None:
            field.widget.attrs.update(
                {
                    "class": PASSWORD_WIDGET_CLASS,
                    "autocomplete": "new-password" if new else "current-password",
                    "spellcheck": "false",
                    "autocapitalize": "none",
                }
            )

    def _code(self, name: str, label: Text, *, required: Text, hint: Text = "") -> None:
        field = self._word(name, label, required=required, hint=hint)
        if field is not None:
            field.widget.attrs.update(
                {
                    "class": CODE_WIDGET_CLASS,
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "spellcheck": "false",
                }
            )


class NewPasswordMixin(GovUKFormMixin):
    """Words a new password and its confirmation, as `new_password_words` (label, message if
    it is left out, label and message of the confirmation), and says the passwords do not
    match in our words, beside the second password."""

    new_password_words: tuple[Text, Text, Text] = (
        _("Create a password"),
        _("Enter a password"),
        _("Confirm your password"),
    )
    cleaned_data: dict[str, Any]
    add_error: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label, required, confirm = self.new_password_words
        self._password("password1", label, required=required, hint=new_password_hint(), new=True)
        self._password("password2", confirm, required=confirm, new=True)

    def clean(self) -> dict[str, Any]:
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", PASSWORD_MISMATCH_ERROR)  # also hides it from allauth's own check
        return super().clean()  # type: ignore[misc]


class LoginForm(GovUKFormMixin, account_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email("login", _("Email address"), required=_("Enter your email address"))
        self._password("password", _("Password"), required=_("Enter your password"))
        self._word("remember", _("Keep me signed in on this device"))

    def clean(self) -> dict[str, Any]:
        # allauth reports a wrong email or password for the whole form; the Design System
        # shows it beside the password, where the person will try again.
        try:
            return super().clean()
        except forms.ValidationError as error:
            self.add_error("password", error)
            return self.cleaned_data


class SignupForm(NewPasswordMixin, account_forms.SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email(
            "email",
            _("Email address"),
            required=_("Enter your email address"),
            hint=_("We will send you an email to confirm it is yours."),
        )


class ResetPasswordForm(GovUKFormMixin, account_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email(
            "email",
            _("What is your email address?"),
            required=_("Enter your email address"),
            hint=_("Use the email address you sign in with. We will email you a link to reset your password."),
        )


# Replacing a password someone has: the words of ResetPasswordKeyForm and ChangePasswordForm.
REPLACEMENT_PASSWORD_WORDS = (_("New password"), _("Enter a new password"), _("Confirm your new password"))


class ResetPasswordKeyForm(NewPasswordMixin, account_forms.ResetPasswordKeyForm):
    new_password_words = REPLACEMENT_PASSWORD_WORDS


class ChangePasswordForm(NewPasswordMixin, account_forms.ChangePasswordForm):
    new_password_words = REPLACEMENT_PASSWORD_WORDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._password("oldpassword", _("Current password"), required=_("Enter your current password"))


class SetPasswordForm(NewPasswordMixin, account_forms.SetPasswordForm):
    pass


class AddEmailForm(GovUKFormMixin, account_forms.AddEmailForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email(
            "email",
            _("Email address"),
            required=_("Enter the email address you want to add"),
            hint=_("We will send an email to this address to confirm it is yours."),
        )


class ReauthenticateForm(GovUKFormMixin, account_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._password(
            "password",
            _("Enter your password"),
            required=_("Enter your password"),
            hint=CONFIRM_IT_IS_YOU_HINT,
        )


class MFAAuthenticateForm(GovUKFormMixin, mfa_forms.AuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._code(
            "code",
            AUTHENTICATOR_CODE,
            required=AUTHENTICATOR_CODE,
            hint=_("If you do not have your phone, you can enter one of your recovery codes instead."),
        )


class MFAReauthenticateForm(GovUKFormMixin, mfa_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._code("code", AUTHENTICATOR_CODE, required=AUTHENTICATOR_CODE, hint=CONFIRM_IT_IS_YOU_HINT)


class ActivateTOTPForm(GovUKFormMixin, totp_forms.ActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._code(
            "code",
            _("Enter the %(digits)d-digit code the app shows") % {"digits": mfa_settings.TOTP_DIGITS},
            required=_("Enter the code from the app"),
        )
