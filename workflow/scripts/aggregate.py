from topoae import logs
from topoae.aggregate import metrics_table
from topoae.io import atomic_path

log = logs.to_file(snakemake.log[0])
table = metrics_table(list(snakemake.input.metrics))
with atomic_path(snakemake.output[0]) as tmp:
    table.to_csv(tmp, index=False)
log.info("%d variants in %s", len(table), snakemake.output[0])
