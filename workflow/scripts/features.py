from topoae import features, io, logs

log = logs.to_file(snakemake.log[0])
dataset = snakemake.wildcards.dataset
events, metadata = io.read_events(snakemake.input.events)
table = features.compute(events, snakemake.params.feature_set, dict(snakemake.params.options), dataset)
names = [c for c in table.columns if c not in features.CARRIED_COLUMNS]
io.write_table(table, snakemake.output.table, {"dataset": dataset, "feature_columns": names,
                                               "feature_set": snakemake.params.feature_set, "events": metadata})
io.write_json({"features": names, **features.fit_scaler(table, names)}, snakemake.output.scaler)
log.info("%s: %d events, features %s", dataset, len(table), names)
