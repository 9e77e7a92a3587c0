"""Two submits of one draft at the same moment, each in its own thread and database connection: the row
lock lets one win and the other gets StateChanged, with one tracking number and one Transition.

A transactional test (``transactional_db``): each thread's connection sees the committed draft."""

import re
import threading

from django.db import connection

from registrations.exceptions import StateChanged
from registrations.models import Application, Transition
from registrations.services.apply import application_submit

from .conftest import complete_application

TRACKING = re.compile(r"BR-\d{8}-\d{6}")


def test_two_submits_at_once_give_one_tracking_number(transactional_db, applicant, dhaka_office):
    """Two taps on "submit" that reach two server threads at the same moment: the row lock lets one win;
    the other finds the application submitted (StateChanged) and takes no number."""
    application = complete_application(applicant)
    barrier, outcomes = threading.Barrier(2), []

    def tap():
        try:
            barrier.wait()
            application_submit(application=application, user=applicant.user)
            outcomes.append("submitted")
        except StateChanged:
            outcomes.append("state_changed")
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["state_changed", "submitted"]
    assert Transition.objects.filter(application=application, action="submit").count() == 1
    assert TRACKING.fullmatch(Application.objects.get(pk=application.pk).tracking_no)
