import sys

from coursebuild.cli import main

sys.exit(main(sys.argv[1:]))
