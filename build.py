#!/usr/bin/env python3
"""Entry point: `python build.py --help`. All logic lives in the coursebuild package."""
import sys

from coursebuild.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
