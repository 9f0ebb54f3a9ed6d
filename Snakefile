from snakemake.utils import min_version

min_version("9.0")


# The default study, unless --configfile names another: then that file alone
# describes the study (Snakemake would otherwise merge the two datasets maps).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/generate.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/score.smk"
include: "workflow/rules/plot.smk"


rule all:
    input:
        "results/aggregate/metrics.csv",
        plot_files(),
    default_target: True
