"""cfy-migrate: move a Cloudify Manager to a new manager, safely and resumably."""

__version__ = "0.1.0"
