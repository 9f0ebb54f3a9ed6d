rule score:
    input:
        model=f"results/{{dataset}}/models/{VARIANT}/model.pt",
        variant=f"results/{{dataset}}/models/{VARIANT}/variant.json",
        table="results/{dataset}/features.parquet",
        scaler="results/{dataset}/scaler.json",
        library=library("score.py"),
    output:
        scores=f"results/{{dataset}}/scores/{VARIANT}/scores.parquet",
        metrics=f"results/{{dataset}}/scores/{VARIANT}/metrics.json",
    log:
        f"logs/{{dataset}}/score/{VARIANT}.log",
    conda:
        "../../envs/score.yaml"
    script:
        "../scripts/score.py"
