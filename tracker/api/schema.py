"""Responses every operation can give, added to the OpenAPI document once instead of on each
view: bad parameters (400), missing rights (401/403), rate limit (429), not modified (304)."""

from typing import Any

ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "additionalProperties": True,
            "description": "`detail`, or one message list per offending field or parameter.",
        }
    }
}
COMMON = {
    "400": "Invalid parameters or body; the messages say which.",
    "401": "Unknown or revoked token.",
    "403": "Your token or user may not do this.",
    "404": "No such object, or not published.",
    "429": "Rate limit spent; retry after the Retry-After header's seconds.",
}


def add_common_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for code, text in COMMON.items():
                responses.setdefault(code, {"description": text, "content": ERROR_BODY})
            if method == "get":
                responses.setdefault(
                    "304", {"description": "Not modified since your ETag / Last-Modified."}
                )
    return result
