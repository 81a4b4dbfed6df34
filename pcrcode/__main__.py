"""``python -m pcrcode`` and the ``pcrcode`` script.

Ctrl-C while Python imports the command line (Typer, the first tenth of a second) would print a
traceback and end with the signal; here it ends like any interruption: one line, exit 130.
"""

import sys


def run() -> None:
    try:
        from pcrcode.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("pcrcode: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
