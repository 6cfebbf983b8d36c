"""The office server (`serve --office`): the tool on an office's intranet, with accounts.

`folder` is the office folder (data repository, database, settings); `accounts` the people,
their sessions and the login throttle; `audit` the hash-chained log; `repo` the git history of
data/; `service` the per-year operations the web layer and the command line call; `backup`
the snapshot and its restore; `web` the HTTP routes and pages, nothing more.
"""
