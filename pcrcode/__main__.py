"""``python -m pcrcode`` and the ``pcrcode`` script.

Ctrl-C while Python imports the command line (Typer, the first tenth of a second) would print a
traceback and end with the signal; here it ends like any interruption: one line, exit 130. Once
the command is over, a Ctrl-C changes nothing: Python's shutdown would otherwise die of it
(exit -2) after every file was already written.
"""

import sys


def run() -> None:
    try:
        try:
            from pcrcode.cli import main

            main()
        finally:
            _done()
    except KeyboardInterrupt:
        sys.stderr.write("pcrcode: interrupted\n")
        sys.exit(130)


def _done() -> None:
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    else:  # pragma: no cover - Windows
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    run()
