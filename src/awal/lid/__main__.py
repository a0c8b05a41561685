"""``python -m awal.lid train``: rebuild the bundled language-identification model."""

from .train import main

main()
