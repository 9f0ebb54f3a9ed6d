from topoae import io, logs
from topoae.generate import merge

log = logs.to_file(snakemake.log[0])
events, metadata = merge(snakemake.input.chunks)
io.write_events(events, snakemake.output[0], metadata)
log.info(
    "merged %d chunks, %d events, into %s", len(snakemake.input.chunks), len(events), snakemake.output[0]
)
