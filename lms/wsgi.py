"""WSGI entry point (gunicorn lms.wsgi).

Live-sandbox steps that carry their step token take a lean path (labs.stepserver); every other
request goes through Django's handler with the whole middleware stack.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
application = get_wsgi_application()

from labs.stepserver import with_sandbox_steps  # noqa: E402 (needs the configured settings)

application = with_sandbox_steps(application)
