"""``python -m landeval`` runs the command line."""

from landeval.cli import main

main()
