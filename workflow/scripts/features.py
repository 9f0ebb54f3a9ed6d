from topoae import features, io, logs

log = logs.to_file(snakemake.log[0])
dataset = snakemake.wildcards.dataset
feature_set = snakemake.params.feature_set
options = dict(snakemake.params.options)
events, metadata = io.read_events(snakemake.input.events)
table = features.compute(events, feature_set, options, dataset)
names = features.feature_names(table)
io.write_table(
    table,
    snakemake.output.table,
    {
        "dataset": dataset,
        "feature_columns": names,
        "feature_set": feature_set,
        "feature_options": options,
        "events": metadata,
    },
)
# The scaler is fitted on this dataset's training background; scoring reuses it unchanged.
io.write_json({"features": names, **features.fit_scaler(table, names)}, snakemake.output.scaler)
log.info("%s: %d of %d events, '%s' features %s", dataset, len(table), len(events), feature_set, names)
