"""A Spark session for newsprism: local mode by default, loopback-only, Arrow on, UI off."""

from __future__ import annotations

import os
import sys

LOCAL_DRIVER_MEMORY = "4g"  # local mode: the driver JVM also hosts the executors (Spark's default is 1g)


def spark_session(master: str | None = "local[*]", app_name: str = "newsprism", memory: str | None = None):
    """Create (or reuse) a SparkSession; `master` may be local[N] or a cluster URL.

    `master=None` keeps the master that spark-submit configured, else uses local[*]. `memory` is
    spark.driver.memory (else $NEWSPRISM_SPARK_DRIVER_MEMORY, else 4g in local mode, else Spark's default).
    """
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    if master is None:
        configured = SparkConf().get("spark.master", None)
        if configured:
            return SparkSession.builder.appName(app_name).getOrCreate()
        master = "local[*]"
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers use the driver's environment
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.python.worker.reuse", "true")
    )
    local = master.startswith("local")
    partitions = os.environ.get("NEWSPRISM_SPARK_PARTITIONS") or (_local_partitions(master) if local else None)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", partitions)
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    memory = memory or os.environ.get("NEWSPRISM_SPARK_DRIVER_MEMORY") or (LOCAL_DRIVER_MEMORY if local else None)
    if memory:  # read only when this call starts the JVM (the first session of the process)
        builder = builder.config("spark.driver.memory", memory)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel(os.environ.get("NEWSPRISM_SPARK_LOG", "WARN"))
    return session


def _local_partitions(master: str) -> str:
    """Two shuffle partitions per local core (local[N], local[*]): small jobs are not cut into idle tasks."""
    inside = master.partition("[")[2].rstrip("]").split(",")[0]
    if not inside:
        return "2"  # plain "local": one core
    cores = (os.cpu_count() or 2) if inside == "*" else int(inside)
    return str(max(2, 2 * cores))
