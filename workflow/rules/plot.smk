rule aggregate:
    input:
        metrics=metric_files(),
        library=library("aggregate.py"),
    output:
        report(
            "results/aggregate/metrics.csv",
            caption="../report/metrics.rst",
            category="Tables",
        ),
    log:
        "logs/aggregate.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/aggregate.py"


rule plot_auc_vs_latent_dim:
    input:
        table="results/aggregate/metrics.csv",
        library=library("plot_auc.py"),
    output:
        report(
            "results/plots/{dataset}/auc_vs_latent_dim.{ext}",
            caption="../report/auc_vs_latent_dim.rst",
            category="AUC against latent dimension",
            subcategory="{dataset}",
        ),
    wildcard_constraints:
        ext="png|pdf|svg",
    log:
        "logs/{dataset}/plot_auc_vs_latent_dim.{ext}.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/plot_auc.py"
