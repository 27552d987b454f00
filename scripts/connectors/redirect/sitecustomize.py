"""Sends a client's HubSpot requests to Spoke when the client has no base URL setting.

Python imports ``sitecustomize`` at start-up from any folder on ``PYTHONPATH``. The harness
puts this folder there for clients whose HubSpot address is written into their code, and
sets ``SPOKE_BASE_URL``: every request that ``requests`` sends to ``https://api.hubapi.com``
then goes to that URL instead, path and query unchanged. The client's own code runs as
published; only where its requests land changes, as a hosts-file entry would do.
"""

import contextlib
import os
from typing import Any

HUBSPOT = "https://api.hubapi.com"


def _redirect(base_url: str) -> None:
    # Imported only when asked for, and only in a client's environment, which has requests.
    from requests.adapters import HTTPAdapter  # noqa: PLC0415

    send = HTTPAdapter.send

    def send_to_spoke(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.url and request.url.startswith(HUBSPOT):
            request.url = base_url + request.url[len(HUBSPOT) :]
        return send(self, request, *args, **kwargs)

    HTTPAdapter.send = send_to_spoke


if os.environ.get("SPOKE_BASE_URL"):
    with contextlib.suppress(ImportError):  # a client without requests: nothing to redirect
        _redirect(os.environ["SPOKE_BASE_URL"].rstrip("/"))
