"""The command-line interface: thin typer commands over the public API (``retiree_tools``).

:func:`run` is the console-script entry point; it imports nothing heavy itself.
"""

from __future__ import annotations


def run() -> None:
    """Console-script entry point: see :func:`retiree_tools.cli.app.main`."""
    from retiree_tools.cli.app import main

    main()
