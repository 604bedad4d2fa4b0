"""egov-crawl: measure how ready government websites are to serve citizens."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("egov-crawl")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
