import pandas as pd

from topoae import logs
from topoae.plotting import auc_vs_latent_dim

log = logs.to_file(snakemake.log[0])
auc_vs_latent_dim(pd.read_csv(snakemake.input.table), snakemake.wildcards.dataset, snakemake.output[0])
log.info("wrote %s", snakemake.output[0])
