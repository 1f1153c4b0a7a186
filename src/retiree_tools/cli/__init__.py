"""The command-line interface: thin typer commands over the library.

:func:`run` is the console-script entry point. It is here, in a module that imports nothing
heavy, so that ``validate`` and ``assign`` can start on the first workbook
(:func:`retiree_tools.inputs.speculate`) before typer, click and the commands load.
"""

from __future__ import annotations


def run() -> None:
    """Console-script entry point: see :func:`retiree_tools.cli.main.run`."""
    import sys

    from retiree_tools.io.prefetch import speculate

    speculate(sys.argv[1:])
    from retiree_tools.cli.app import run as main_run

    main_run()
