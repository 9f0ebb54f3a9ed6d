rule train:
    input:
        table="results/{dataset}/features.parquet",
        scaler="results/{dataset}/scaler.json",
        library=library("train.py"),
    output:
        model=f"results/{{dataset}}/models/{VARIANT}/model.pt",
        variant=f"results/{{dataset}}/models/{VARIANT}/variant.json",
        history=f"results/{{dataset}}/models/{VARIANT}/history.csv",
    params:
        hidden=config["model"]["hidden"],
        # Threads reach the job through threads:, so changing them reruns nothing.
        training={k: v for k, v in config["training"].items() if k != "threads"},
    threads: config["training"]["threads"]
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"logs/{{dataset}}/train/{VARIANT}.log",
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/train.py"
