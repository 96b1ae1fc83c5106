"""A WSGI application for the gunicorn worker tests: it answers its process id after sleeping
the seconds its query string asks for (a request that keeps a thread busy that long)."""

import os
import time


def application(environ, start_response):
    time.sleep(float(environ.get("QUERY_STRING") or 0))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
