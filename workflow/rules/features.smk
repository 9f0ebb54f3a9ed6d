rule features:
    input:
        events="results/{dataset}/events.parquet",
        library=library("features.py"),
    output:
        table="results/{dataset}/features.parquet",
        scaler="results/{dataset}/scaler.json",
    params:
        feature_set=lambda w: dataset_config(w)["features"]["set"],
        options=lambda w: dataset_config(w)["features"],
    log:
        "logs/{dataset}/features.log",
    conda:
        "../../envs/features.yaml"
    script:
        "../scripts/features.py"
