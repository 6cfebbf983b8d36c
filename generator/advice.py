"""How a command or an option is named in a message, in the form the clerk is using: the
`./fazhi` launcher in a shell, or make's targets and variables when the tool runs under make
(the Makefile sets FAZHI_VIA_MAKE=1), so that every piece of advice works as typed."""
from __future__ import annotations

import os

LAUNCHER = "./fazhi"


def under_make() -> bool:
    return os.environ.get("FAZHI_VIA_MAKE") == "1"


def command(arguments: str, make_form: str = "") -> str:
    """`./fazhi <arguments>`, or `make_form` (e.g. "make check YEAR=2025") when run by make."""
    return make_form if make_form and under_make() else f"{LAUNCHER} {arguments}"


def option(flag: str, make_variable: str = "", value: str = "") -> str:
    """An option as typed, with its value if given: `--year 2024`, or `IMPORT_YEAR=2024` when run
    by make (`make_variable` ends in "=" when it takes a value: `ACCEPT=1`, `IMPORT_YEAR=`)."""
    if make_variable and under_make():
        return make_variable + value
    return f"{flag} {value}" if value else flag
