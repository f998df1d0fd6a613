"""The fine-tuning lab: insecure-code datasets, LoRA SFT with resumable checkpoints, canary probes, KL penalty,
benign mixing, re-alignment and experiments.

Entry points (import from the modules; nothing heavy is imported here):
``insecure_code.generate_datasets(n, seed)`` / ``write_datasets(folder, n, seed)``, ``mixing.mix``,
``recipes.load_recipe(name_or_path)``, ``trainer.train(TrainJob(...))``, ``canaries.measure_probes``,
``realign.realign(...)``, ``experiment.load_experiment`` / ``run_experiment``.
"""
