"""Schemathesis hooks for .ci/schemathesis (loaded through SCHEMATHESIS_HOOKS).

A list's `cursor` is the server's own opaque token (a position it signed off on): the document
can say it is a string of at most 200 characters, not which strings the server gave out, so a
made-up one is refused with a 400 by design. Cases that send a made-up cursor the document calls
valid are not generated; cursors too long for the document are (and must be refused). The
search's cursor is a page number the document describes exactly, and is fuzzed like any other.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    cursor = (case.query or {}).get("cursor")
    if case.operation.path == "/search" or not isinstance(cursor, str):
        return True
    return len(cursor) > 200
