"""``python -m extractor`` runs the command-line interface."""

import gc

# the command line's imports (click, the commands) make objects that live as long as the process and no cyclic
# garbage: the collector is held off while they run, and what they made is frozen out of its later walks
held = gc.isenabled()
gc.disable()
try:
    from extractor.cli import main
finally:
    if held:
        gc.freeze()
        gc.enable()

main()
