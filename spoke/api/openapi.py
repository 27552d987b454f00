"""Spoke's own OpenAPI document, generated from the route table and the schemas."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import msgspec

from spoke import __version__
from spoke.api import schemas
from spoke.api.operations import Operation

Json = dict[str, Any]
_REF = "#/components/schemas/{name}"


def openapi_document(operations: Sequence[Operation]) -> Json:
    types: set[type] = {schemas.Error}
    for op in operations:
        if op.request is not None:
            types.add(op.request)
        types.update(t for t in op.responses.values() if t is not None)
    ordered = sorted(types, key=lambda t: t.__name__)
    refs, components = msgspec.json.schema_components(ordered, ref_template=_REF)
    ref_of: dict[type, Json] = dict(zip(ordered, refs, strict=True))
    paths: Json = {}
    for op in operations:
        paths.setdefault(_openapi_path(op.path), {})[op.method.lower()] = _operation(op, ref_of)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Spoke",
            "version": __version__,
            "description": "A HubSpot-compatible CRM API server. Same paths, bodies and errors as "
            "HubSpot's CRM v3 API for the object types listed in each path's objectType: "
            + ", ".join(_served_types(operations))
            + ".",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _served_types(operations: Sequence[Operation]) -> list[str]:
    """Every name some operation takes for its object type, in the table's order."""
    return list(dict.fromkeys(name for op in operations for name in op.type_names))


def _openapi_path(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "{" + _camel(m.group(1)) + "}", path)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _operation(op: Operation, ref_of: dict[type, Json]) -> Json:
    body: Json = {
        "tags": [op.tag],
        "summary": op.summary,
        "security": [{"bearer": [scope]} for scope in op.scopes],
        "parameters": [
            {"name": _camel(n), "in": "path", "required": True, "schema": _path_schema(op, n)}
            for n in re.findall(r"\{(\w+)\}", op.path)
        ]
        + [{"name": q, "in": "query", "schema": {"type": "string"}} for q in op.query],
        "responses": {
            str(code): (
                {"description": "No content"}
                if kind is None
                else {"description": "Success", "content": _json(ref_of[kind])}
            )
            for code, kind in op.responses.items()
        }
        | {"default": {"description": "An error", "content": _json(ref_of[schemas.Error])}},
    }
    if op.request is not None:
        body["requestBody"] = {"required": True, "content": _json(ref_of[op.request])}
    return body


def _path_schema(op: Operation, name: str) -> Json:
    values = op.path_parameter_values.get(name)
    return {"type": "string"} if values is None else {"type": "string", "enum": list(values)}


def _json(schema: Json) -> Json:
    return {"application/json": {"schema": schema}}


def docs_page(document: Json) -> str:
    """A plain HTML page listing every operation; no scripts, nothing fetched."""
    rows = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            codes = ", ".join(c for c in op["responses"] if c != "default")
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code>"
                f"</td><td>{html.escape(op['summary'])}</td><td>{codes}</td></tr>"
            )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Spoke API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px;text-align:left}"
        "tr:nth-child(even){background:#f4f4f4}</style></head><body>"
        f"<h1>Spoke {html.escape(document['info']['version'])}</h1>"
        f"<p>{html.escape(document['info']['description'])}</p>"
        "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a>. Every operation needs "
        "<code>Authorization: Bearer &lt;token&gt;</code> with a scope of the object type it "
        "names (for tickets, <code>tickets</code>).</p>"
        "<table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Success</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
