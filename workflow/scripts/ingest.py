from topoae import logs
from topoae.ingest import ingest_to_parquet

log = logs.to_file(snakemake.log[0])
n_events = ingest_to_parquet(
    dict(snakemake.params.spec), snakemake.wildcards.dataset, snakemake.params.test_fraction,
    snakemake.params.seed, snakemake.output[0],
)
log.info("ingested %d events into %s", n_events, snakemake.output[0])
