"""Writes docs/coverage.md: which methods of HubSpot's official Python SDK Spoke serves.

For the API classes of ``hubspot-api-client`` (the version installed) of the object types
Spoke serves, of the generic objects API, of properties and pipelines, and of owners, each method's
HTTP method and path are read from the SDK's generated code: the
``self.api_client.call_api(path, method, ...)`` call in the method's ``*_with_http_info``
twin. Each is then matched against Spoke's route table
(:func:`spoke.api.routes.route_table`), with ``{objectType}`` taken as ``tickets``.

    .venv/bin/python scripts/coverage_report.py           # rewrite docs/coverage.md
    .venv/bin/python scripts/coverage_report.py --check   # exit 1 if it is stale

``tests/test_coverage_doc.py`` runs the same check.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.metadata
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spoke.api.routes import route_table
from spoke.domain.object_types import ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.store import open_store

DOC = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
SDK_DISTRIBUTION = "hubspot-api-client"

#: The SDK's API groups covered: how a client reaches them, and the module of their classes.
SDK_GROUPS = {
    "crm.tickets": "hubspot.crm.tickets",
    "crm.contacts": "hubspot.crm.contacts",
    "crm.companies": "hubspot.crm.companies",
    "crm.deals": "hubspot.crm.deals",
    "crm.objects.calls": "hubspot.crm.objects.calls",
    "crm.objects.emails": "hubspot.crm.objects.emails",
    "crm.objects.meetings": "hubspot.crm.objects.meetings",
    "crm.objects.notes": "hubspot.crm.objects.notes",
    "crm.objects.tasks": "hubspot.crm.objects.tasks",
    "crm.objects": "hubspot.crm.objects",
    "crm.properties": "hubspot.crm.properties",
    "crm.pipelines": "hubspot.crm.pipelines",
    "crm.owners": "hubspot.crm.owners",
}

#: The SDK's name for the object type path parameter, taken as tickets.
SDK_OBJECT_TYPE = "{objectType}"

_PARAMETER = re.compile(r"^\{(\w+)\}$")


@dataclass(frozen=True)
class SdkMethod:
    group: str
    """How a client reaches the API class: ``crm.tickets``."""
    api: str
    """The API's attribute on the group: ``basic_api``."""
    name: str
    http_method: str
    path: str

    @property
    def call(self) -> str:
        return f"{self.api}.{self.name}"


# -- the SDK ----------------------------------------------------------------------------


def sdk_methods() -> list[SdkMethod]:
    """Every public method of the covered SDK API classes, in group, API and name order."""
    found: list[SdkMethod] = []
    for group, module_name in SDK_GROUPS.items():
        api_module = importlib.import_module(f"{module_name}.api")
        for class_name, api_class in sorted(inspect.getmembers(api_module, inspect.isclass)):
            if class_name.endswith("Api"):
                found += _methods_of(group, _snake_case(class_name), api_class)
    return found


def _methods_of(group: str, api: str, api_class: type) -> Iterator[SdkMethod]:
    for name, _ in sorted(inspect.getmembers(api_class, inspect.isfunction)):
        twin = getattr(api_class, f"{name}_with_http_info", None)
        if name.startswith("_") or twin is None:
            continue
        http_method, path = _call_api_target(twin)
        yield SdkMethod(group, api, name, http_method, path)


def _call_api_target(function: Callable[..., Any]) -> tuple[str, str]:
    """The HTTP method and path of the ``call_api`` call in ``function``'s source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "call_api"
        ):
            path, method = (ast.literal_eval(argument) for argument in node.args[:2])
            return str(method).upper(), str(path)
    raise LookupError(f"no call_api call in {function.__qualname__}")


def _snake_case(class_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


def sdk_version() -> str:
    return importlib.metadata.version(SDK_DISTRIBUTION)


# -- Spoke ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpokeRoute:
    method: str
    template: str
    """The path, with ``{parameters}``."""
    parameter_values: Mapping[str, Sequence[str]]
    """The values a parameter may take, where they are few (the object type's names)."""


def spoke_routes() -> list[SpokeRoute]:
    """Every operation in Spoke's route table."""
    # The handlers are never called, so an empty in-memory database will do.
    store = open_store("sqlite:///:memory:")
    try:
        table = route_table(store, ObjectTypes(STANDARD_OBJECT_TYPES))
        return [SpokeRoute(op.method, op.path, op.path_parameter_values) for op in table]
    finally:
        store.close()


def serves(route: SpokeRoute, method: SdkMethod) -> bool:
    """Whether Spoke's ``route`` answers what ``method`` sends, for tickets."""
    if route.method != method.http_method:
        return False
    ours = route.template.strip("/").split("/")
    theirs = method.path.replace(SDK_OBJECT_TYPE, TICKETS.name).strip("/").split("/")
    return len(ours) == len(theirs) and all(
        _segment_matches(route.parameter_values, our, their)
        for our, their in zip(ours, theirs, strict=True)
    )


def _segment_matches(values: Mapping[str, Sequence[str]], ours: str, theirs: str) -> bool:
    """A literal matches itself; a parameter of ours with few values matches those
    literals; any other parameter matches only a parameter."""
    our_parameter = _PARAMETER.match(ours)
    if our_parameter and our_parameter.group(1) in values:
        return theirs in values[our_parameter.group(1)]
    if our_parameter or _PARAMETER.match(theirs):
        return bool(our_parameter and _PARAMETER.match(theirs))
    return ours == theirs


# -- the page ---------------------------------------------------------------------------


def render(methods: Sequence[SdkMethod], routes: Sequence[SpokeRoute], version: str) -> str:
    served = {m: any(serves(route, m) for route in routes) for m in methods}
    groups: Mapping[str, list[SdkMethod]] = {
        group: [m for m in methods if m.group == group] for group in SDK_GROUPS
    }
    lines = [
        "# Coverage of HubSpot's Python SDK",
        "",
        "<!-- Generated by scripts/coverage_report.py; do not edit by hand. -->",
        "",
        f"Every method of the official Python SDK (`{SDK_DISTRIBUTION}` {version}) for",
        "the object types Spoke serves, the generic objects API, properties, pipelines and",
        "owners, and whether Spoke serves it. The HTTP method and path of each are read from the",
        "SDK's generated code and matched against Spoke's route table, with `{objectType}`",
        "taken as `tickets`. The group helpers `client.crm.tickets.get_all()` and friends",
        "page through `basic_api.get_page`, so they work wherever it does.",
        "",
        "Regenerate with `.venv/bin/python scripts/coverage_report.py`;",
        "`tests/test_coverage_doc.py` fails when this page is out of date.",
        "",
        "| SDK API | Methods | Served by Spoke |",
        "|---|---:|---:|",
    ]
    for group, members in groups.items():
        lines.append(f"| `{group}` | {len(members)} | {sum(served[m] for m in members)} |")
    lines.append(f"| all | {len(methods)} | {sum(served.values())} |")
    for group, members in groups.items():
        lines += ["", f"## `client.{group}`", "", "| Method | HTTP | Spoke |", "|---|---|---|"]
        lines += [
            f"| `{m.call}` | `{m.http_method} {m.path}` | {'yes' if served[m] else 'not yet'} |"
            for m in members
        ]
    return "\n".join(lines) + "\n"


def current_page() -> str:
    """The page as the installed SDK and Spoke's route table make it now."""
    return render(sdk_methods(), spoke_routes(), sdk_version())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    arguments = parser.parse_args(argv)
    page = current_page()
    if arguments.check:
        fresh = DOC.exists() and DOC.read_text(encoding="utf-8") == page
        print(f"{DOC} is {'up to date' if fresh else 'stale: run scripts/coverage_report.py'}")
        return 0 if fresh else 1
    DOC.write_text(page, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
