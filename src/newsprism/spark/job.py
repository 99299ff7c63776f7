"""The newsprism pipeline as one Spark job: ingest -> analyze -> blocks -> stories -> copies -> findings -> Parquet.

Every step is distributed; the driver only sees small things (the input file list, the 2^18-entry document
frequency vector, bucket ids, counts). The per-row work is `newsprism.spark.stages`, which calls the same
stage functions as the local run (`StoryClusterer`, `detect_reuse`, `analyze_articles`, `compare_articles`).

Stories: the local clusterer only ever compares an article with earlier articles inside the time window whose
TF-IDF cosine clears `candidate_floor`. Those pairs are computed exactly (time buckets `window_days` wide,
sparse products per bucket and its neighbour), their connected components are blocks no story can cross, and
each block runs the same sequential clusterer in publication order with the run's document frequencies.
"""

from __future__ import annotations

import json
import logging
import time
from itertools import chain
from pathlib import Path
from typing import Any

from newsprism.errors import NewsprismError
from newsprism.settings import Settings
from newsprism.spark.tables import SCHEMAS

log = logging.getLogger(__name__)

ARTICLE_COLUMNS = SCHEMAS["articles"] + ", seq long"
MAX_COMPONENT_ROUNDS = 200
SEMANTIC_SHARD = 50_000   # vectors indexed per semantic-neighbour task


class SparkRunError(NewsprismError):
    """The Spark run cannot start (bad input or output)."""


def run_pipeline(spark: Any, inputs: list[str], output: str, settings: Settings, *, input_format: str = "auto",
                 with_findings: bool = True, stats: dict[str, float] | None = None) -> dict[str, int]:
    """Run the whole pipeline on Spark and write the Parquet tables under `output`.

    Args:
        spark: a SparkSession (see `newsprism.spark.session.spark_session`).
        inputs: local paths (files or folders) or Hadoop-compatible URIs (hdfs://, s3a://, file://).
        output: folder or URI receiving one Parquet table per kind (`tables.TABLES`), overwritten.
        settings: the same settings object the local run uses.
        input_format: "auto" (by name), "files" (JSONL/WARC/any reader format) or "parquet".
        with_findings: False skips analysis and findings (stories and copies only).
        stats: filled with seconds per step (`ingest_s`, `frequencies_s`, `blocks_s`, `stories_s`, `copies_s`,
            `analyze_s`, `findings_s`) and the blocking's shape (`blocks_multi`: blocks of 2+ articles,
            `largest_block`: articles in the largest, which one task clusters sequentially).
    Returns:
        Row counts per written table.
    Example:
        >>> run_pipeline(spark_session("local[2]"), ["corpus/"], "out/", load_settings())  # doctest: +SKIP
    """
    from pyspark import StorageLevel

    clock = _Clock({} if stats is None else stats)
    articles = read_articles(spark, inputs, settings, input_format).persist(StorageLevel.MEMORY_AND_DISK)
    counts: dict[str, int] = {}
    _write(articles.drop("seq"), output, "articles", counts)
    clock("ingest")
    n_docs, df = document_frequencies(articles)
    clock("frequencies")
    stories, same_story = cluster_stories(spark, articles, settings, n_docs, df, clock)
    stories = stories.persist(StorageLevel.MEMORY_AND_DISK)
    _write(stories, output, "stories", counts)
    clock("stories")
    reuse = detect_copies(spark, articles, same_story, settings, n_docs, df)
    _write(reuse, output, "reuse", counts)
    clock("copies")
    if with_findings:
        analyses = analyze(articles, settings).persist(StorageLevel.MEMORY_AND_DISK)
        _write(analyses.drop("quotes"), output, "analyses", counts)
        _write(_quotes(analyses), output, "quotes", counts)
        clock("analyze")
        findings, entities = story_findings(stories, analyses, settings)
        _write(findings, output, "findings", counts)
        _write(entities, output, "entities", counts)
        clock("findings")
        analyses.unpersist()
    stories.unpersist()
    articles.unpersist()
    return counts


class _Clock:
    """Seconds per step, logged and kept in `stats`."""

    def __init__(self, stats: dict[str, float]) -> None:
        self.stats, self.last = stats, time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.stats[f"{step}_s"] = round(now - self.last, 2)
        self.last = now
        log.info("spark step %s: %.1fs", step, self.stats[f"{step}_s"])


# ------------------------------------------------------------------------------------------------ ingest


def read_articles(spark: Any, inputs: list[str], settings: Settings, input_format: str = "auto") -> Any:
    """Articles (table `articles` + `seq`, the local ingest order) read and cleaned in executors.

    Local paths are listed on the driver and each file is read by one task with the ingest readers; other URIs
    are read by Spark's binaryFile source. Parquet input holds JSONL-like records (`text`/`html`, metadata).
    A duplicate id keeps its last content at its first position, as re-ingesting into the store does.
    """
    from pyspark.sql import functions as F

    from newsprism.spark import stages

    parquet = input_format == "parquet" or (input_format == "auto" and all(_is_parquet(i) for i in inputs))
    if parquet:
        raw = spark.read.parquet(*inputs)
        raw = raw.rdd.zipWithIndex().map(lambda pair: {**pair[0].asDict(), "_seq": pair[1]})
        ref = ",".join(inputs)
        rows = raw.mapPartitions(lambda part: stages.read_parquet_records(part, settings, ref))
    elif all(_is_local(i) for i in inputs):
        from newsprism.ingest import expand_inputs

        paths = [str(Path(p.removeprefix("file://"))) for p in expand_inputs(i.removeprefix("file://") for i in inputs)]
        missing = [p for p in paths if not Path(p).exists()]
        if missing or not paths:
            raise SparkRunError(f"{missing[0] if missing else inputs[0]}: no such input file or folder")
        files = spark.sparkContext.parallelize(list(enumerate(paths)), max(1, len(paths)))
        rows = files.flatMap(lambda item: stages.read_file_records(item[0], item[1], settings))
    else:
        blobs = (spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(inputs)
                 .select("path", "content"))
        names = sorted(r.path for r in blobs.select("path").collect())  # file names only, never contents
        index = spark.sparkContext.broadcast({name: i for i, name in enumerate(names)})
        rows = blobs.rdd.flatMap(
            lambda r: stages.read_blob_records(index.value[r.path], r.path, bytes(r.content), settings))
    frame = spark.createDataFrame(rows, ARTICLE_COLUMNS)
    latest = F.max_by(F.struct(*[c for c in frame.columns if c not in ("id", "seq")]), "seq")
    deduped = frame.groupBy("id").agg(F.min("seq").alias("seq"), latest.alias("last"))
    return deduped.select("id", "last.*", "seq").select(*frame.columns)


def _is_parquet(uri: str) -> bool:
    return uri.rstrip("/").endswith(".parquet")


def _is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file://")


# ------------------------------------------------------------------------------------------------ analyze


def analyze(articles: Any, settings: Settings) -> Any:
    """Analysis rows (+ quotes) of every article, one spaCy pipeline per Python worker."""
    import pandas as pd

    from newsprism.spark import stages

    schema = SCHEMAS["analyses"] + ", quotes array<struct<" + SCHEMAS["quotes"].replace(" string", ":string") \
        .replace(" int", ":int") + ">>"
    columns = [c for c in articles.columns if c != "seq"]

    def run(batches):
        for batch in batches:
            rows = batch[columns].astype(object).where(batch[columns].notna(), None).to_dict("records")
            yield pd.DataFrame(list(stages.analyze_rows(rows, settings)),
                               columns=["article_id", "content_hash", "data", "quotes"])

    return articles.select(*columns).mapInPandas(run, schema)


def _quotes(analyses: Any) -> Any:
    from pyspark.sql import functions as F

    return analyses.select(F.explode("quotes").alias("q")).select("q.*")


# ------------------------------------------------------------------------------------------------ stories


def document_frequencies(articles: Any) -> tuple[int, Any]:
    """The run's document frequencies of hashed terms (summed per partition, then tree-reduced)."""
    import numpy as np

    from newsprism.spark import stages

    def part(rows):
        yield stages.partial_frequencies((r.title, r.text) for r in rows)

    empty = (0, np.zeros(stages.N_FEATURES, dtype=np.float32))
    n_docs, df = articles.select("title", "text").rdd.mapPartitions(part).treeReduce(
        lambda a, b: (a[0] + b[0], a[1] + b[1])) if articles.rdd.getNumPartitions() else empty
    return int(n_docs), df


def cluster_stories(spark: Any, articles: Any, settings: Settings, n_docs: int, df: Any,
                    clock: Any = None) -> tuple[Any, Any]:
    """Stories (table `stories`) and same-story candidate pairs (`a`, `b`) for copy detection."""
    from pyspark.sql import functions as F

    from newsprism.spark import stages

    cfg = settings.cluster
    frequencies = spark.sparkContext.broadcast((n_docs, df))
    edges = candidate_edges(spark, articles, settings, frequencies)
    labels = connected_components(edges)
    if clock is not None:
        sizes = labels.groupBy("block").count().agg(F.count("*").alias("n"), F.max("count").alias("largest")).first()
        clock.stats.update(blocks_multi=int(sizes["n"]), largest_block=int(sizes["largest"] or 1))
        clock("blocks")
    blocks = (articles.join(labels, "id", "left")
              .withColumn("block", F.coalesce("block", "id")))
    block_schema = ("stories array<struct<" + SCHEMAS["stories"].replace(" string", ":string")
                    .replace(" array<string>", ":array<string>") + ">>, pairs array<struct<a:string,b:string>>")
    columns = [c for c in articles.columns]

    def run(block):
        import pandas as pd

        rows = block[columns].astype(object).where(block[columns].notna(), None).to_dict("records")
        n, vector = frequencies.value
        stories, pairs = stages.cluster_block(rows, cfg, n, vector)
        return pd.DataFrame({"stories": [stories], "pairs": [pairs]})

    out = blocks.groupBy("block").applyInPandas(run, block_schema)
    out = out.persist()
    stories = out.select(F.explode("stories").alias("s")).select("s.*")
    pairs = out.select(F.explode("pairs").alias("p")).select("p.a", "p.b")
    return stories, pairs


def candidate_edges(spark: Any, articles: Any, settings: Settings, frequencies: Any) -> Any:
    """Pairs (`a`, `b`) the local clusterer could compare: cosine >= candidate floor inside the time window.

    Each dated article goes to its time bucket (as home) and to the previous bucket (as next); a bucket's task
    pairs home x home and home x next. Undated articles are compared with everything: they join every bucket's
    task (and one task of their own), so they should be few. Each task emits only a star per local connected
    component (`stages.star_edges`): the same components as the pairs, with one edge per article, not per pair.
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from newsprism.spark import stages

    cfg = settings.cluster

    @F.udf(T.DoubleType())
    def moment(published):
        return stages.moment(published)

    timed = articles.select("id", "title", "text", moment("published").alias("moment"))
    bucket = F.when(F.col("moment").isNull(), F.lit(stages.UNDATED)).otherwise(
        F.floor(F.col("moment") / (cfg.window_days * 86400.0)).cast("long"))
    timed = timed.withColumn("bucket", bucket)
    dated = timed.filter(F.col("bucket") != stages.UNDATED)
    undated = timed.filter(F.col("bucket") == stages.UNDATED)
    keys = dated.select("bucket").distinct().withColumnRenamed("bucket", "key")
    parts = [
        dated.withColumn("key", F.col("bucket")).withColumn("role", F.lit("home")),
        dated.withColumn("key", F.col("bucket") - 1).withColumn("role", F.lit("next")),
        undated.crossJoin(keys).withColumn("role", F.lit("undated")),
        undated.withColumn("key", F.lit(stages.UNDATED)).withColumn("role", F.lit("home")),
    ]
    routed = parts[0]
    for part in parts[1:]:
        routed = routed.unionByName(part)
    routed = routed.drop("bucket")

    def pair(group):
        import pandas as pd

        n, vector = frequencies.value
        rows = group.astype(object).where(group.notna(), None).to_dict("records")
        by_role: dict[str, list[dict]] = {"home": [], "next": [], "undated": []}
        for row in rows:
            by_role[row["role"]].append(row)
        home = by_role["home"]
        found = chain(stages.candidate_edges(home, home, cfg, n, vector, within=True),
                      stages.candidate_edges(home, by_role["next"], cfg, n, vector, within=False),
                      stages.candidate_edges(by_role["undated"], home, cfg, n, vector, within=False))
        return pd.DataFrame(stages.star_edges(found), columns=["a", "b"])

    return routed.groupBy("key").applyInPandas(pair, "a string, b string")


def connected_components(edges: Any) -> Any:
    """(`id`, `block`) for every article with an edge: the smallest id of its connected component.

    Min-label propagation with pointer jumping (each round a node also takes its label's label), so long
    chains (stories that go on for weeks) converge in about log(length) rounds. Each round is a few joins; the
    driver only counts the labels that changed.
    """
    from pyspark.sql import functions as F

    both = edges.select("a", "b").unionByName(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    both = _fresh(both.distinct().localCheckpoint())
    labels = _fresh(both.groupBy("a").agg(F.least(F.min("b"), F.first("a")).alias("block"))
                    .withColumnRenamed("a", "id").localCheckpoint())
    for _ in range(MAX_COMPONENT_ROUNDS):
        spread = both.join(labels.withColumnRenamed("id", "a"), "a").groupBy("b").agg(F.min("block").alias("m"))
        merged = labels.join(spread.withColumnRenamed("b", "id"), "id", "left") \
            .select("id", F.least("block", F.coalesce("m", "block")).alias("block"))
        jumped = merged.join(merged.select(F.col("id").alias("block"), F.col("block").alias("jump")), "block", "left") \
            .select("id", F.least("block", F.coalesce("jump", "block")).alias("block")).localCheckpoint()
        jumped = _fresh(jumped)
        changed = jumped.join(labels.withColumnRenamed("block", "old"), "id").filter("block != old").count()
        labels = jumped
        if changed == 0:
            return labels
    raise SparkRunError(f"connected components did not converge in {MAX_COMPONENT_ROUNDS} rounds")


def _fresh(frame: Any) -> Any:
    """The same (checkpointed) rows without the optimizer's size estimate of the plan that made them.

    A local checkpoint keeps its origin plan's statistics, and the size estimate of a join is the product of
    its inputs': carried from round to round, the labels' estimate grows as a power of 4 per round, and at
    10k articles computing it (BigInt products) ran the driver out of heap after a dozen rounds. Rebuilt from
    its RDD inside the JVM (no Python round trip), a frame gets Spark's default estimate again.
    """
    from pyspark.sql.classic.dataframe import DataFrame

    session = frame.sparkSession
    jdf = frame._jdf
    return DataFrame(session._jsparkSession.createDataFrame(jdf.rdd(), jdf.schema()), session)


# ------------------------------------------------------------------------------------------------ copies


def detect_copies(spark: Any, articles: Any, same_story: Any, settings: Settings, n_docs: int, df: Any) -> Any:
    """Reuse links (table `reuse`): LSH band-key shuffle + same-story pairs + semantic neighbours, checked by
    the local `detect_reuse` in executors."""
    from pyspark.sql import functions as F

    from newsprism.spark import stages

    cfg = settings.cluster

    def bands(batches):
        import pandas as pd

        for batch in batches:
            rows = batch.to_dict("records")
            yield pd.DataFrame(list(stages.band_rows(rows, cfg)), columns=["id", "band", "key"])

    keyed = articles.select("id", "text").mapInPandas(bands, "id string, band int, key long")
    buckets = keyed.groupBy("band", "key").agg(F.collect_set("id").alias("ids")).filter(F.size("ids") > 1)
    lsh_pairs = spark.createDataFrame(buckets.rdd.flatMap(lambda r: stages.band_pairs(r.ids)), "a string, b string")
    semantic = semantic_pairs(spark, articles, n_docs, df)
    candidates = lsh_pairs.unionByName(same_story).unionByName(semantic).distinct()
    columns = [c for c in articles.columns if c != "seq"]
    left = articles.select(*[F.col(c).alias(f"x_{c}") for c in columns])
    right = articles.select(*[F.col(c).alias(f"y_{c}") for c in columns])
    joined = candidates.join(left, F.col("a") == F.col("x_id")).join(right, F.col("b") == F.col("y_id"))

    def check(rows):
        pairs = (({c: r[f"x_{c}"] for c in columns}, {c: r[f"y_{c}"] for c in columns}) for r in rows)
        yield from stages.reuse_rows(pairs, settings)

    return spark.createDataFrame(joined.rdd.mapPartitions(check), SCHEMAS["reuse"])


def semantic_pairs(spark: Any, articles: Any, n_docs: int, df: Any) -> Any:
    """(`a`, `b`) pairs of each article with its nearest articles in the local semantic index's vectors.

    The corpus is cut into shards of at most `SEMANTIC_SHARD` vectors; every (query block, shard) pair is one
    task that indexes the shard (HNSW) and queries the block; each query keeps its best k+1 over all shards.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from newsprism.pipeline import SEMANTIC_FLOOR, SEMANTIC_NEIGHBOURS
    from newsprism.spark import stages

    frequencies = spark.sparkContext.broadcast((n_docs, df))
    columns = [c for c in articles.columns if c != "seq"]

    def embed(batches):
        import pandas as pd

        n, vector = frequencies.value
        for batch in batches:
            rows = batch[columns].astype(object).where(batch[columns].notna(), None).to_dict("records")
            yield pd.DataFrame(list(stages.semantic_vectors(rows, n, vector)), columns=["id", "vector"])

    vectors = articles.select(*columns).mapInPandas(embed, "id string, vector array<float>").localCheckpoint()
    shards = max(1, -(-vectors.count() // SEMANTIC_SHARD))
    vectors = vectors.withColumn("block", F.pmod(F.hash("id"), F.lit(shards)))
    others = spark.range(shards).select(F.col("id").cast("int").alias("other"))
    routed = vectors.crossJoin(others).select(
        "id", "vector", F.col("block").alias("qblock"), F.col("other").alias("shard"), F.lit("q").alias("role"),
    ).unionByName(vectors.crossJoin(others).select(
        "id", "vector", F.col("other").alias("qblock"), F.col("block").alias("shard"), F.lit("m").alias("role")))
    k = SEMANTIC_NEIGHBOURS + 1

    def search(group):
        import pandas as pd

        rows = group.to_dict("records")
        queries = [r for r in rows if r["role"] == "q"]
        members = [r for r in rows if r["role"] == "m"]
        found = list(stages.semantic_neighbours(queries, members, k, SEMANTIC_FLOOR))
        return pd.DataFrame(found, columns=["id", "other", "similarity"])

    hits = routed.groupBy("qblock", "shard").applyInPandas(search, "id string, other string, similarity double")
    rank = F.row_number().over(Window.partitionBy("id").orderBy(F.desc("similarity"), "other"))
    best = hits.withColumn("rank", rank).filter((F.col("rank") <= k) & (F.col("id") != F.col("other")))
    return best.select(F.least("id", "other").alias("a"), F.greatest("id", "other").alias("b"))


# ------------------------------------------------------------------------------------------------ findings


def story_findings(stories: Any, analyses: Any, settings: Settings) -> tuple[Any, Any]:
    """Findings (table `findings`) and resolved entities (table `entities`), one task per story group."""
    from pyspark.sql import functions as F

    from newsprism.spark import stages

    members = stories.filter(F.size("article_ids") > 1).select(
        F.col("id").alias("story_id"), F.posexplode("article_ids").alias("position", "article_id"))
    joined = members.join(analyses.select("article_id", "data"), "article_id")
    schema = ("findings array<struct<story_id:string,position:int,kind:string,data:string>>, "
              "entities array<struct<canonical:string,kind:string,aliases:array<string>>>")

    def run(group):
        import pandas as pd

        group = group.sort_values("position")
        rows, entities = stages.story_findings(str(group["story_id"].iloc[0]), list(group["data"]), settings)
        return pd.DataFrame({"findings": [rows], "entities": [entities]})

    out = joined.groupBy("story_id").applyInPandas(run, schema).persist()
    findings = out.select(F.explode("findings").alias("f")).select("f.*")
    entities = (out.select(F.explode("entities").alias("e")).select("e.*").groupBy("canonical")
                .agg(F.min("kind").alias("kind"), F.array_sort(F.array_distinct(F.flatten(F.collect_list("aliases"))))
                     .alias("aliases")))
    return findings, entities


# ------------------------------------------------------------------------------------------------ output


def _write(frame: Any, output: str, name: str, counts: dict[str, int]) -> None:
    """Write one table as Parquet (columns in the schema's order) and record its row count."""
    columns = [part.strip().split(" ")[0] for part in SCHEMAS[name].split(", ")]
    target = f"{output.rstrip('/')}/{name}"
    frame.select(*columns).write.mode("overwrite").parquet(target)
    counts[name] = frame.sparkSession.read.parquet(target).count()
    log.info("wrote %s rows to %s", counts[name], target)


def summary(counts: dict[str, int]) -> str:
    """One line for the command line."""
    return json.dumps(counts, sort_keys=True)
