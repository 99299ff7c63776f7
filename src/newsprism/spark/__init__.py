"""The newsprism pipeline on Apache Spark: `job.run_pipeline` writes the local store's tables as Parquet.

pyspark is imported only inside the functions that need it, so `tables` (and `load_tables`) work without it.
"""

__all__ = ["job", "session", "stages", "tables"]
