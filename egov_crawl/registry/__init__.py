"""The agency registry: schema, loader with located errors, importers."""

from egov_crawl.registry.loader import RegistryError, load_registry
from egov_crawl.registry.models import Agency, Cohort, EService, Names, Registry

__all__ = ["Agency", "Cohort", "EService", "Names", "Registry", "RegistryError", "load_registry"]
