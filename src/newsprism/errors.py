"""Errors newsprism raises on purpose; the message is written where it is raised."""


class NewsprismError(Exception):
    """Base of every error newsprism raises on purpose."""


class InputError(NewsprismError):
    """An input file, record or URL could not be read; the message names it and says why."""


class ConfigError(NewsprismError):
    """A setting has an invalid value."""


class StoreError(NewsprismError):
    """The store could not be opened or migrated."""


class ModelError(NewsprismError):
    """A bundled model could not be loaded."""
