"""graphtool: entity-network investigation for strategic-mineral export-control enforcement."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("graphtool")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"
