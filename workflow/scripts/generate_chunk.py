from topoae import io, logs
from topoae.generate import generate_chunk

log = logs.to_file(snakemake.log[0])
params = snakemake.params
events = generate_chunk(
    params.source,
    dict(params.options),
    params.n_background,
    params.n_signal,
    params.test_fraction,
    params.seed,
    snakemake.wildcards.dataset,
    int(snakemake.wildcards.chunk),
)
io.write_events(
    events,
    snakemake.output[0],
    {"source": params.source, "options": dict(params.options), "units": "GeV", "frame": "centre of mass"},
)
log.info("wrote %d events to %s", len(events), snakemake.output[0])
