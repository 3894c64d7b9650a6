"""evote's internals: no stability promise. Import what you need from :mod:`evote` instead.

The packages are layers, each importing only from those below it (the import-linter contracts in
``pyproject.toml`` hold them to that): ``host`` and ``verify`` over ``record`` and ``proceedings``,
over ``board``, ``election``, ``registry`` and ``trustees``, over :mod:`evote.hazmat`, over
``encoding`` and ``ids``, over :mod:`evote.errors`.
"""
