from topoae import logs
from topoae.ingest import IngestError, ingest_to_parquet

log = logs.to_file(snakemake.log[0])
try:
    n_events = ingest_to_parquet(
        dict(snakemake.params.spec),
        snakemake.wildcards.dataset,
        snakemake.params.test_fraction,
        snakemake.params.seed,
        snakemake.output[0],
    )
except IngestError as error:
    # One message, in the log and as the job's exit status; no output file was left behind.
    log.error("%s", error)
    raise SystemExit(f"ingest failed: {error}") from None
log.info("ingested %d events into %s", n_events, snakemake.output[0])
