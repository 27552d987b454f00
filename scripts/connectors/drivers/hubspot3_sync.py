"""hubspot3's tickets sync as its README shows it: ``client.tickets.get_all()``.

Runs inside hubspot3's own virtual environment. Arguments: base URL, access token.
Prints one JSON line: the ids of the tickets the client returned.
"""

import json
import sys

from hubspot3 import Hubspot3


def main() -> None:
    base_url, token = sys.argv[1], sys.argv[2]
    client = Hubspot3(access_token=token, api_base=base_url)
    tickets = client.tickets.get_all()
    print(json.dumps({"ids": [str(ticket["objectId"]) for ticket in tickets]}))


if __name__ == "__main__":
    main()
