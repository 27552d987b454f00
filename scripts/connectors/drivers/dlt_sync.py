"""dlt's verified HubSpot source loading tickets into DuckDB, as its README shows.

Runs inside dlt's virtual environment, in the folder where ``dlt init hubspot duckdb`` put
the source (the ``hubspot`` package). The API key comes from dlt's usual environment
variable ``SOURCES__HUBSPOT__API_KEY``. Arguments: the project folder, and ``tickets``
(the tickets resource alone) or ``all`` (every resource, as the example pipeline's
``load_crm_data`` does). Prints one JSON line: the ids in the loaded tickets table.
"""

import importlib
import json
import sys

import dlt


def main() -> None:
    project, selection = sys.argv[1], sys.argv[2]
    sys.path.insert(0, project)
    hubspot = importlib.import_module("hubspot").hubspot  # the source dlt init put there

    pipeline = dlt.pipeline(
        pipeline_name="hubspot",
        destination=dlt.destinations.duckdb(f"{project}/hubspot.duckdb"),
        dataset_name="hubspot_data",
        pipelines_dir=f"{project}/.pipelines",
    )
    source = hubspot() if selection == "all" else hubspot().with_resources("tickets")
    pipeline.run(source)
    with pipeline.sql_client() as client:
        rows = client.execute_sql("SELECT id FROM tickets")
    print(json.dumps({"ids": sorted({str(row[0]) for row in rows})}))


if __name__ == "__main__":
    main()
