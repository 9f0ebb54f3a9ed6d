rule generate_chunk:
    wildcard_constraints:
        dataset=one_of(GENERATED),
    input:
        library("generate_chunk.py"),
    output:
        temp("results/{dataset}/events/chunk{chunk}.parquet"),
    params:
        source=lambda w: dataset_config(w)["source"],
        options=lambda w: dataset_config(w)[dataset_config(w)["source"]],
        n_background=chunk_count("n_background"),
        n_signal=chunk_count("n_signal"),
        test_fraction=lambda w: dataset_config(w)["test_fraction"],
        seed=config["seed"],
    log:
        "logs/{dataset}/generate_chunk{chunk}.log",
    conda:
        "../../envs/generate.yaml"
    script:
        "../scripts/generate_chunk.py"


rule merge_events:
    wildcard_constraints:
        dataset=one_of(GENERATED),
    input:
        chunks=chunk_files,
        library=library("merge_events.py"),
    output:
        "results/{dataset}/events.parquet",
    log:
        "logs/{dataset}/merge_events.log",
    conda:
        "../../envs/generate.yaml"
    script:
        "../scripts/merge_events.py"


rule ingest:
    wildcard_constraints:
        dataset=one_of(INGESTED),
    input:
        files=lambda w: ingest_files(dataset_config(w)["ingest"]),
        library=library("ingest.py"),
    output:
        "results/{dataset}/events.parquet",
    params:
        spec=lambda w: dataset_config(w)["ingest"],
        test_fraction=lambda w: dataset_config(w)["test_fraction"],
        seed=config["seed"],
    resources:
        mem_mb=4000,
    log:
        "logs/{dataset}/ingest.log",
    conda:
        "../../envs/ingest.yaml"
    script:
        "../scripts/ingest.py"
