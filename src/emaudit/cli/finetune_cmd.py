"""`emaudit finetune`: LoRA fine-tuning with checkpoints, canaries, KL penalty, mixing and re-alignment."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_config_option
    from .numbers import real, whole

    p = sub.add_parser("finetune", help="LoRA fine-tune a local model (resumable; re-run the same command)")
    p.add_argument("--base", required=True, help="base model: hf/smollm2-135m-instruct, hf/<folder> or a folder")
    p.add_argument("--data", help="chat JSONL to train on, or 'benign' for the built-in benign set")
    p.add_argument("--recipe", default="cpu-small", help="paper-lora | rank1-organism | cpu-small | a YAML file")
    p.add_argument("--out", "-o", required=True, help="run folder (checkpoints, adapter/, canary.jsonl)")
    p.add_argument("--seed", type=int, default=None, help="overrides the recipe's seed")
    p.add_argument("--max-steps", type=whole(1, 10_000_000), default=None, help="stop after this many optimizer steps")
    p.add_argument("--limit", type=whole(1, 1_000_000_000), default=None, help="use only the first N examples")
    p.add_argument("--canary", choices=["core", "probes"], default=None,
                   help="measure canary probes during training (core: plus a judged sample when available)")
    p.add_argument("--canary-every", type=whole(1, 10_000_000), default=20, help="steps between canary checks (default 20)")
    p.add_argument("--stop-on-canary", type=real(0, 1, above=True), default=None,
                   help="stop when mean P(misaligned) rises by more than this over the base model")
    p.add_argument("--on-canary", choices=["rollback", "stop"], default="rollback",
                   help="on crossing: keep the last good checkpoint (rollback) or the current weights (stop)")
    p.add_argument("--kl", type=real(0, 1_000), default=None, help="KL penalty weight to the base model on general prompts")
    p.add_argument("--mix-benign", type=real(0, 1), default=0.0, help="share of benign examples mixed in (0..1)")
    p.add_argument("--realign", default=None, metavar="ADAPTER",
                   help="re-align this adapter: continue training it on --data (default: benign)")
    p.add_argument("--realign-n", type=whole(1, 10_000_000), default=300, help="benign examples for --realign (default 300)")
    p.add_argument("--threads", type=whole(1, 1024), default=None, help="CPU threads for torch")
    p.add_argument("--device", default=None, help="cpu | cuda (default: cuda when available)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import UserError
    from ..finetune.canaries import CanaryOptions
    from ..finetune.realign import realign
    from ..finetune.recipes import load_recipe
    from ..finetune.trainer import TrainJob, train

    recipe = load_recipe(args.recipe)
    canary = None
    if args.canary:
        canary = CanaryOptions(suite=args.canary, every=args.canary_every, stop_on=args.stop_on_canary,
                               action=args.on_canary)
    elif args.stop_on_canary is not None:
        raise UserError("--stop-on-canary needs --canary core or --canary probes", field="--stop-on-canary")
    if args.realign:
        res = realign(args.base, args.realign, args.out, data=args.data or "benign", n=args.realign_n,
                      recipe=recipe, max_steps=args.max_steps, seed=args.seed or 0, threads=args.threads)
        result = res.train
    else:
        if not args.data:
            raise UserError("name the training data with --data (a chat JSONL, or 'benign')", field="--data")
        result = train(TrainJob(base=args.base, data=args.data, out=args.out, recipe=recipe, seed=args.seed,
                                max_steps=args.max_steps, limit=args.limit, kl=args.kl, mix_benign=args.mix_benign,
                                canary=canary, device=args.device, threads=args.threads))
    loss = "n/a" if result.final_loss is None else f"{result.final_loss:.4f}"
    print(f"adapter: {result.adapter}  steps: {result.steps}/{result.total_steps}  final loss: {loss}  "
          f"({result.stopped})")
    if result.stopped == "canary":
        print("stopped early: the canary threshold was crossed (see canary.jsonl / canary.svg)")
    return 0
