"""``python -m computelease`` runs the ``lease`` command line."""

from computelease.cli import main

if __name__ == "__main__":
    main()
