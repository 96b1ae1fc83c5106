"""The URLconf of the lean sandbox-step path (labs.stepserver): its JSON error handlers.

The step route is matched by the dispatcher itself (``labs.stepserver.STEP_PATH``); Django's
exception handling looks the error views up here, so a failed step answers JSON, never HTML.
"""

urlpatterns: list = []

handler400 = "labs.api.json_bad_request"
handler403 = "labs.api.json_forbidden"
handler404 = "labs.api.json_not_found"
handler500 = "labs.api.json_server_error"
