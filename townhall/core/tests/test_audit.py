import pytest
from django.db import DatabaseError, transaction

from townhall.core import audit
from townhall.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_records_who_did_what_to_which_record_and_from_where(admin_user):
    token = audit.current_ip.set("203.0.113.7")
    try:
        event = audit.record(actor=admin_user, action="thing.done", target=admin_user, data={"x": 1})
    finally:
        audit.current_ip.reset(token)

    assert event.actor_label == str(admin_user)
    assert (event.target_type, event.target_id) == ("accounts.user", str(admin_user.pk))
    assert event.ip_address == "203.0.113.7"


def test_the_database_refuses_to_change_or_delete_audit_events():
    event = audit.record(actor=None, action="thing.done")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="covered.up")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.done"
