"""Command modules of the ``ip4graph`` CLI: each exposes ``COMMANDS``, a list of click commands."""
