"""Reading files: capped reads, TOML positions, settings files, TOML writing.

The lowest stage: :mod:`.reading` reads TOML and JSON with size, depth and
item limits, :mod:`.tomlpos` finds the line and column of a TOML path,
:mod:`.settings` reads a mapping or layout file and locates its problems,
:mod:`.tomlwrite` writes the small TOML files the CLI produces.
"""
