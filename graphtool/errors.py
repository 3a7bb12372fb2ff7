"""One family of errors, so callers (CLI, app) can show a clear message instead of a stack trace."""


class GraphtoolError(Exception):
    """Base class: the message is written for the person using the tool."""


class MappingError(GraphtoolError):
    """A mapping file is invalid, or a source file does not fit its mapping (names mapping and column)."""


class SourceError(GraphtoolError):
    """A source file cannot be read at all (encoding, structure, unknown format)."""


class WorkspaceError(GraphtoolError):
    """The workspace file cannot be opened or is in an unexpected state."""


class ModelError(GraphtoolError):
    """A label, relationship type or property is not part of the graph model."""


class NotFound(GraphtoolError):
    """An entity, case or file that was asked for does not exist."""


class BackendError(GraphtoolError):
    """A graph backend (Neo4j) cannot be reached or refused a request."""


class ConfigurationMissing(GraphtoolError):
    """A command needs a setting (such as a Neo4j URI) that is not configured anywhere."""
