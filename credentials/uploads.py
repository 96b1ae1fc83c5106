"""An upload handler that stops reading a file past a size limit, so a huge upload to the
public verification page neither fills the disk nor reaches the verifier."""

import functools

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class SizeLimitUploadHandler(FileUploadHandler):
    """Put first in `request.upload_handlers`; `exceeded` tells the view what happened."""

    def __init__(self, request, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            # connection_reset=False: the rest of the body is read and discarded, not stored.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        self.received = 0
        return None


def upload_limit(limit: int):
    """View decorator: files past `limit` bytes are cut off (`request.upload_limiter.exceeded`
    says so). CSRF is still enforced, after the handler is installed (Django reads the body
    for the CSRF check, so the usual middleware check is moved inside)."""

    def decorator(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            request.upload_limiter = SizeLimitUploadHandler(request, limit)
            request.upload_handlers.insert(0, request.upload_limiter)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator
