"""The engine: a rubric and a department in, an :class:`Evaluation` out.

:mod:`.evaluation` walks the indicator tree, :mod:`.results` holds the
result types, :mod:`.compiled` the fast totals path, :mod:`.target_rows`
turns a project's targets into scored rows and :mod:`.serialize` writes
results as JSON-ready values. Nothing here is imported by the package
``__init__`` of another stage.
"""
