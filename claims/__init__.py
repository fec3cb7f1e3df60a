"""claimtrack's library: ingest, clean, split, attribute, embed and cluster news claims.

This package never imports Prefect; the flows in `flows/` wrap it.
"""

__version__ = "0.1.0"
