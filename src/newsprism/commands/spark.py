"""`newsprism spark run|load`: the pipeline on Apache Spark, and its Parquet tables into the local store."""

from __future__ import annotations

import logging
import os
import time

import click

from newsprism.commands.options import config_option, db_option, settings_from_args

log = logging.getLogger(__name__)


@click.group("spark")
def spark_group() -> None:
    """Run the pipeline on Spark (local[*] or a cluster); load its tables into the store."""


@spark_group.command("run")
@click.option("--input", "inputs", multiple=True, required=True, metavar="URI",
              help="JSONL/WARC/any ingest format (file, folder, hdfs://, s3a://...) or Parquet; repeatable.")
@click.option("--output", required=True, metavar="URI", help="Folder or URI for the Parquet tables (overwritten).")
@click.option("--master", default=None,
              help="Spark master (default: spark-submit's, else $NEWSPRISM_SPARK_MASTER, else local[*]).")
@click.option("--format", "input_format", type=click.Choice(["auto", "files", "parquet"]), default="auto",
              show_default=True, help="Input kind: by name (auto), reader formats (files) or Parquet records.")
@click.option("--driver-memory", default=None, metavar="SIZE", help="spark.driver.memory, e.g. 4g (local mode).")
@click.option("--no-findings", is_flag=True, help="Stories and copies only (skip analysis and findings).")
@config_option
def run_command(inputs: tuple[str, ...], output: str, master: str | None, input_format: str,
                driver_memory: str | None, no_findings: bool, config_file: str | None) -> None:
    """Ingest, analyze, cluster, detect copies and compare on Spark; write Parquet tables to OUTPUT."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise click.UsageError("pyspark is not installed (pip install 'newsprism[spark]')") from exc
    from newsprism.spark.job import run_pipeline, summary
    from newsprism.spark.session import spark_session

    settings = settings_from_args(config_file)
    master = master or os.environ.get("NEWSPRISM_SPARK_MASTER")
    started = time.perf_counter()
    spark = spark_session(master, memory=driver_memory)
    try:
        counts = run_pipeline(spark, list(inputs), output, settings, input_format=input_format,
                              with_findings=not no_findings)
    finally:
        spark.stop()
    click.echo(f"wrote {output}: {summary(counts)} in {time.perf_counter() - started:.1f}s")


@spark_group.command("load")
@click.argument("tables", metavar="TABLES_DIR")
@db_option
def load_command(tables: str, db: str | None) -> None:
    """Copy the Parquet tables of a Spark run into the local store (then `newsprism serve` shows them, and
    later local ingests extend its stories)."""
    from pathlib import Path

    from newsprism.pipeline import adopt_stories
    from newsprism.spark.tables import load_tables
    from newsprism.store import open_store

    if not Path(tables).is_dir():
        raise click.UsageError(f"{tables}: not a folder of Parquet tables")
    settings = settings_from_args(db=db)
    store = open_store(settings.db)
    try:
        counts = load_tables(tables, store)
        counts["adopted"] = adopt_stories(store, settings)
    finally:
        store.close()
    click.echo(f"loaded into {settings.db}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def register(group: click.Group) -> None:
    group.add_command(spark_group)
