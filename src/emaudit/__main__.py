import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while starting: nothing has run yet
    sys.exit(130)

raise SystemExit(main())
