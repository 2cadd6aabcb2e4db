"""``python -m extractor`` and the ``extractor`` command: the command-line interface."""

import gc


def run() -> None:
    """Run the command line. Its imports (click, the commands) make objects that live as long as the process and
    no cyclic garbage: the collector is held off while they run, and what they made is frozen out of its later
    walks (on again before the command runs, unless the caller had turned it off)."""
    held = gc.isenabled()
    gc.disable()
    try:
        from extractor.cli import main
    finally:
        if held:
            gc.freeze()
            gc.enable()
    main()


if __name__ == "__main__":
    run()
