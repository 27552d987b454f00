// HubSpot's Node SDK (@hubspot/api-client) reading tickets the ways its README shows:
// crm.tickets.getAll(), basicApi.getPage() page by page, and searchApi.doSearch() page by
// page. With a third argument (milliseconds since the epoch) it runs the incremental form
// instead: a search for tickets with hs_lastmodifieddate at or after that instant.
//
// Runs with NODE_PATH pointing at the SDK's node_modules. Arguments: base URL, access
// token[, since]. Prints one JSON line: {"ids": [...]} (the ticket ids every way found;
// all of them must agree) or throws.
const hubspot = require("@hubspot/api-client");

const PROPERTIES = ["subject", "content", "hs_pipeline", "hs_pipeline_stage"];

async function pages(fetchPage) {
  const ids = [];
  let after;
  do {
    const page = await fetchPage(after);
    for (const ticket of page.results) ids.push(ticket.id);
    after = page.paging?.next?.after;
  } while (after);
  return ids;
}

function search(client, filters) {
  return pages((after) =>
    client.crm.tickets.searchApi.doSearch({
      filterGroups: filters.length ? [{ filters }] : [],
      properties: PROPERTIES,
      sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
      limit: 100,
      after: after ?? "0",
    }),
  );
}

function sameSet(name, ids, expected) {
  const a = [...new Set(ids)].sort();
  const b = [...new Set(expected)].sort();
  if (a.length !== b.length || a.some((id, i) => id !== b[i])) {
    throw new Error(`${name} found ${a.length} tickets, getAll found ${b.length}`);
  }
}

async function main() {
  const [basePath, accessToken, since] = process.argv.slice(2);
  const client = new hubspot.Client({ accessToken, basePath, numberOfApiCallRetries: 0 });
  if (since) {
    const filters = [{ propertyName: "hs_lastmodifieddate", operator: "GTE", value: since }];
    console.log(JSON.stringify({ ids: await search(client, filters) }));
    return;
  }
  const all = (await client.crm.tickets.getAll(100, undefined, PROPERTIES)).map((t) => t.id);
  const paged = await pages((after) =>
    client.crm.tickets.basicApi.getPage(100, after, PROPERTIES),
  );
  sameSet("basicApi.getPage", paged, all);
  sameSet("searchApi.doSearch", await search(client, []), all);
  console.log(JSON.stringify({ ids: all }));
}

main().catch((error) => {
  const body = error.body ? ` ${JSON.stringify(error.body)}` : "";
  console.error(`${error.code ?? ""} ${error.message}${body}`.trim());
  process.exit(1);
});
