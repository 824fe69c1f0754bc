import sys

from terpseed.cli import main

sys.exit(main())
