"""The ``awal`` command.

Examples::

    awal demo
    echo "ﻻ إلهَ" | awal normalize --profile search
"""

from __future__ import annotations

import argparse
import sys

from .normalize import Normalizer, profiles
from .rules import data_dir


def _demo(args: argparse.Namespace) -> int:
    """Print a before/after of the bundled samples with each built-in profile."""
    lines = [l for l in (data_dir() / "samples" / "mixed.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    for name in ("default", "search", "darija"):
        out = Normalizer(name)(lines)
        print(f"== profile {name!r}")
        for before, after in zip(lines, out):
            print(f"  in : {before}")
            print(f"  out: {after}" if after != before else "  out: (unchanged)")
    return 0


def _normalize(args: argparse.Namespace) -> int:
    normalizer = Normalizer.from_file(args.profile_file) if args.profile_file else Normalizer(args.profile)
    for line in sys.stdin:
        sys.stdout.write(normalizer(line))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awal", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="normalise the bundled samples and show before/after").set_defaults(run=_demo)
    norm = sub.add_parser("normalize", help="normalise text from stdin")
    norm.add_argument("--profile", default="default", choices=profiles())
    norm.add_argument("--profile-file", help="a profile TOML file of your own")
    norm.set_defaults(run=_normalize)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
