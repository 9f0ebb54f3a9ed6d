from topoae import io, logs, scoring

log = logs.to_file(snakemake.log[0])
table, _ = io.read_table(snakemake.input.table)
scores, record = scoring.score_variant(
    table, io.read_json(snakemake.input.scaler), snakemake.input.model, io.read_json(snakemake.input.variant)
)
io.write_table(scores, snakemake.output.scores, {"variant": record["variant"]})
io.write_json(record, snakemake.output.metrics)
log.info("%s: %s", record["variant"], record["metrics"])
