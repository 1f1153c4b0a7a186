"""`python -m retiree_tools` runs the command line."""

from retiree_tools.cli import run

run()
