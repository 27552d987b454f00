"""Associations between records of the served object types (issue 11), one implementation
for every pair of types.

- :mod:`.definitions`: the association types (HubSpot's HUBSPOT_DEFINED ones and the
  portal's USER_DEFINED labels), by pair, id and v3 name.
- :mod:`.writes`: creating and removing associations, as one transaction a request.
- :mod:`.records`: what archiving and merging records does to their associations.
- :mod:`.reads`: a record's associations a page at a time, in batches, and inline on
  object reads.
- :mod:`.labels`: the labels API (USER_DEFINED association types).

The rules are in docs/behaviour.md, "Associations", and the data model in
docs/decisions.md, "Associations".
"""
