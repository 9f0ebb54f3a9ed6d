from topoae import io, logs, training

log = logs.to_file(snakemake.log[0])
w = snakemake.wildcards
variant = {"dataset": w.dataset, "topology": w.topology, "latent_dim": int(w.latent_dim), "seed": int(w.seed)}
table, metadata = io.read_table(snakemake.input.table)
scaler = io.read_json(snakemake.input.scaler)
options = training.TrainingOptions(**{**snakemake.params.training, "threads": snakemake.threads})
model, history = training.train_on_table(table, scaler, variant, list(snakemake.params.hidden), options)
training.save(
    model,
    variant
    | {
        "hidden": list(snakemake.params.hidden),
        "features": scaler["features"],
        "training": training.options_dict(options),
    },
    history,
    snakemake.output.model,
    snakemake.output.variant,
    snakemake.output.history,
)
log.info(
    "trained %s: best val_loss %.5g after %d epochs",
    variant,
    min(h["val_loss"] for h in history),
    len(history),
)
