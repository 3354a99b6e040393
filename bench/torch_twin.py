#!/usr/bin/python3
"""PyTorch-eager twin of dev.rlhf4j.bench.LmBenchmark.

The same GPT-2 model as dev.rlhf4j.model.Gpt (token + position embeddings, pre-LN blocks with a
fused qkv Linear, causal attention with an additive bias, exact-GELU MLP 4x, final LN, LM head tied
to wte), the same shapes, the same initialisation scheme and the same measurement protocol, in plain
PyTorch eager mode on the CPU. Prints one JSON object (the Java side's keys) on stdout.

Run with Debian's python3-torch:  /usr/bin/python3 bench/torch_twin.py --threads 2
"""
import argparse
import datetime
import json
import math
import os
import statistics
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description="PyTorch-eager twin of rlhf4j's LmBenchmark")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--vocab", type=int, default=800)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--prompt-len", type=int, default=4)
    ap.add_argument("--max-new-tokens", type=int, default=48)
    ap.add_argument("--out", help="also write the JSON to this file")
    ap.add_argument("--profile", action="store_true",
                    help="also profile 3 training steps and one cached generation (torch.profiler)")
    return ap.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    # BLAS libraries read their thread count when they are loaded, i.e. on `import torch`
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PAD, BOS, EOS, FIRST_WORD = 0, 1, 2, 4
MASKED_FILL = -1e9


class Block(nn.Module):
    def __init__(self, e, n_head, dropout, eps):
        super().__init__()
        self.n_head = n_head
        self.ln_1 = nn.LayerNorm(e, eps=eps)
        self.c_attn = nn.Linear(e, 3 * e)
        self.attn_proj = nn.Linear(e, e)
        self.ln_2 = nn.LayerNorm(e, eps=eps)
        self.c_fc = nn.Linear(e, 4 * e)
        self.mlp_proj = nn.Linear(4 * e, e)
        self.p = dropout

    def forward(self, x, bias, past=None):
        b, t, e = x.shape
        hd = e // self.n_head
        p = self.p if self.training else 0.0
        h = self.ln_1(x)
        q, k, v = self.c_attn(h).split(e, dim=2)  # [B,T,E] each
        q = q.reshape(b, t, self.n_head, hd).transpose(1, 2) * (1.0 / math.sqrt(hd))  # [B,H,T,hd]
        k = k.reshape(b, t, self.n_head, hd).transpose(1, 2)
        v = v.reshape(b, t, self.n_head, hd).transpose(1, 2)
        if past is not None:
            k = torch.cat((past[0], k), dim=2)  # [B,H,S,hd]
            v = torch.cat((past[1], v), dim=2)
        att = (q @ k.transpose(2, 3) + bias).softmax(-1)  # [B,H,T,S]
        att = F.dropout(att, p, self.training)
        y = (att @ v).transpose(1, 2).reshape(b, t, e)
        x = x + F.dropout(self.attn_proj(y), p, self.training)
        h = self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))
        x = x + F.dropout(h, p, self.training)
        return x, (k, v)


class Gpt(nn.Module):
    def __init__(self, vocab, context, n_layer, n_head, n_embd, dropout, eps):
        super().__init__()
        self.wte = nn.Parameter(torch.empty(vocab, n_embd))
        self.wpe = nn.Parameter(torch.empty(context, n_embd))
        self.h = nn.ModuleList(Block(n_embd, n_head, dropout, eps) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd, eps=eps)
        self.p = dropout
        # GPT-2 initialisation, as in Gpt.java
        residual = 0.02 / math.sqrt(2.0 * n_layer)
        nn.init.normal_(self.wte, std=0.02)
        nn.init.normal_(self.wpe, std=0.02)
        for blk in self.h:
            nn.init.normal_(blk.c_attn.weight, std=0.02)
            nn.init.normal_(blk.c_fc.weight, std=0.02)
            nn.init.normal_(blk.attn_proj.weight, std=residual)
            nn.init.normal_(blk.mlp_proj.weight, std=residual)
            for lin in (blk.c_attn, blk.c_fc, blk.attn_proj, blk.mlp_proj):
                nn.init.zeros_(lin.bias)

    def forward(self, ids, positions, bias, cache=None):
        """ids [B,T], positions [B|1,T], bias [B|1,1,T,S]; returns logits [B,T,V] and new caches."""
        p = self.p if self.training else 0.0
        x = F.embedding(ids, self.wte) + F.embedding(positions, self.wpe)
        x = F.dropout(x, p, self.training)
        caches = []
        for i, blk in enumerate(self.h):
            x, kv = blk(x, bias, None if cache is None else cache[i])
            caches.append(kv)
        x = self.ln_f(x)
        return F.linear(x, self.wte), caches  # tied head


def causal_bias(t):
    return torch.full((t, t), MASKED_FILL).triu(1).reshape(1, 1, t, t)


def train_step(model, opt, windows, b, t):
    """Same operations as Pretrainer.trainStep; returns (forward ms, backward ms, optimizer ms, loss)."""
    t0 = time.perf_counter()
    ids = windows[:, :t]
    targets = windows[:, 1:].reshape(b, t, 1)
    positions = torch.arange(t).reshape(1, t)
    bias = causal_bias(t)
    logits, _ = model(ids, positions, bias)
    loss = logits.log_softmax(-1).gather(-1, targets).neg().mean()
    t1 = time.perf_counter()
    loss.backward()
    loss_value = loss.item()
    t2 = time.perf_counter()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad()
    t3 = time.perf_counter()
    return (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, loss_value


def make_optimizer(model):
    """AdamW as LmOptimizer: betas 0.9/0.95, weight decay 0.1 on matrices only."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=2e-3, betas=(0.9, 0.95), eps=1e-8)


def profile(work, reps, top_n=15):
    """Runs work() reps times under torch.profiler; returns the LmBenchmark-style summary."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        t0 = time.perf_counter()
        for _ in range(reps):
            work()
        wall = (time.perf_counter() - t0) * 1e3 / reps
    events = prof.key_averages()
    ops = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:top_n]
    return {
        "reps": reps, "wall_ms_per_rep": wall,
        "top": [{"name": e.key, "self_ms_per_rep": e.self_cpu_time_total / 1e3 / reps,
                 "calls_per_rep": e.count / reps} for e in ops],
    }


def time_training(model, opt, gen, args, vocab, context):
    model.train()
    b, t = args.batch, context
    fwd, bwd, optm, total, losses = [], [], [], [], []
    for step in range(args.warmup + args.steps):
        windows = torch.randint(FIRST_WORD, vocab, (b, t + 1), generator=gen)
        f, bw, o, loss = train_step(model, opt, windows, b, t)
        losses.append(loss)
        if step >= args.warmup:
            fwd.append(f)
            bwd.append(bw)
            optm.append(o)
            total.append(f + bw + o)
    med = statistics.median(total)
    return {
        "batch": b, "seq_len": t, "warmup_steps": args.warmup, "steps": args.steps,
        "ms_median": med, "ms_min": min(total), "ms_mean": statistics.fmean(total),
        "forward_ms_median": statistics.median(fwd), "backward_ms_median": statistics.median(bwd),
        "optimizer_ms_median": statistics.median(optm), "tokens_per_s": b * t / (med / 1e3),
        "first_loss": losses[0], "last_loss": losses[-1],
    }


@torch.no_grad()
def generate(model, prompts, max_new, use_cache, gen):
    """Batched sampling at temperature 1 like Sampler.generate: rows stop at EOS, finished rows are
    fed PAD and masked out, the loop ends when every row has finished or after max_new tokens.
    Returns (new tokens, decode steps)."""
    b, plen = prompts.shape
    cap = plen + max_new
    grid = torch.full((b, cap), PAD, dtype=torch.long)
    grid[:, :plen] = prompts
    valid = torch.zeros(b, cap, dtype=torch.bool)
    valid[:, :plen] = True
    finished = torch.zeros(b, dtype=torch.bool)
    next_pos = torch.full((b,), plen, dtype=torch.long)
    causal = torch.ones(cap, cap, dtype=torch.bool).tril()
    tokens, steps, length, cache = 0, 0, plen, None
    for _ in range(max_new):
        if not use_cache or cache is None:
            ids = grid[:, :length]
            positions = (valid[:, :length].cumsum(1) - 1).clamp(min=0) * valid[:, :length]
            keep = causal[:length, :length].reshape(1, 1, length, length) & valid[:, None, None, :length]
        else:
            ids = grid[:, length - 1:length]
            positions = (next_pos - 1).clamp(min=0).reshape(b, 1)
            keep = valid[:, None, None, :length]
        bias = torch.where(keep, 0.0, MASKED_FILL)
        logits, new_cache = model(ids, positions, bias, cache)
        if use_cache:
            cache = new_cache
        probs = logits[:, -1, :].softmax(-1)
        nxt = torch.multinomial(probs, 1, generator=gen).squeeze(1)
        nxt = torch.where(finished, torch.full_like(nxt, PAD), nxt)
        live = ~finished
        tokens += int(live.sum())
        grid[:, length] = nxt
        valid[:, length] = live
        next_pos += live.long()
        finished |= live & (nxt == EOS)
        length += 1
        steps += 1
        if bool(finished.all()):
            break
    return tokens, steps


def time_generation(model, args, vocab):
    model.eval()
    pgen = torch.Generator().manual_seed(args.seed * 17 + 3)
    words = torch.randint(FIRST_WORD, vocab, (args.batch, args.prompt_len - 1), generator=pgen)
    prompts = torch.cat((torch.full((args.batch, 1), BOS, dtype=torch.long), words), dim=1)
    out = {}
    for name, use_cache in (("cached", True), ("uncached", False)):
        generate(model, prompts, args.max_new_tokens, use_cache, torch.Generator().manual_seed(args.seed))
        secs = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            tokens, steps = generate(model, prompts, args.max_new_tokens, use_cache,
                                     torch.Generator().manual_seed(args.seed))
            secs.append(time.perf_counter() - t0)
        med = statistics.median(secs)
        out[name] = {"tokens": tokens, "decode_steps": steps, "seconds_median": med,
                     "seconds_min": min(secs), "tokens_per_s": tokens / med}
    return {
        "batch": args.batch, "prompt_len": args.prompt_len, "max_new_tokens": args.max_new_tokens,
        "warmup_runs": 1, "runs": args.runs, "cached": out["cached"], "uncached": out["uncached"],
        "kv_speedup": out["cached"]["tokens_per_s"] / out["uncached"]["tokens_per_s"],
    }


def blas_library():
    """The BLAS shared library this process loaded (Debian's torch calls whatever libblas.so.3 is)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "none found"


def main():
    args = ARGS
    # before any parallel work, as DJL does when its engine starts
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    torch.manual_seed(args.seed)

    vocab, context, n_layer, n_head, n_embd, dropout, eps = args.vocab, 64, 4, 4, 128, 0.1, 1e-5
    model = Gpt(vocab, context, n_layer, n_head, n_embd, dropout, eps)
    params = sum(p.numel() for p in model.parameters())
    opt = make_optimizer(model)
    data_gen = torch.Generator().manual_seed(args.seed * 31 + 7)
    train = time_training(model, opt, data_gen, args, vocab, context)
    train_profile = None
    if args.profile:
        train_profile = profile(lambda: train_step(
            model, opt, torch.randint(FIRST_WORD, vocab, (args.batch, context + 1), generator=data_gen),
            args.batch, context), 3)
    torch.manual_seed(args.seed)
    model = Gpt(vocab, context, n_layer, n_head, n_embd, dropout, eps)  # fresh weights, like the Java side
    gen = time_generation(model, args, vocab)
    gen_profile = None
    if args.profile:
        pgen = torch.Generator().manual_seed(args.seed * 17 + 3)
        words = torch.randint(FIRST_WORD, vocab, (args.batch, args.prompt_len - 1), generator=pgen)
        prompts = torch.cat((torch.full((args.batch, 1), BOS, dtype=torch.long), words), dim=1)
        gen_profile = profile(lambda: generate(model, prompts, args.max_new_tokens, True,
                                               torch.Generator().manual_seed(args.seed)), 1)

    result = {
        "impl": "pytorch-eager",
        "engine": "PyTorch " + torch.__version__ + " eager (python " + sys.version.split()[0] + ")",
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "blas": blas_library(),
        "model": {"vocab_size": vocab, "context_length": context, "n_layer": n_layer, "n_head": n_head,
                  "n_embd": n_embd, "dropout": dropout, "activation": "GELU", "parameters": params},
        "train": train,
        "generate": gen,
    }
    if args.profile:
        result["train_profile"] = train_profile
        result["generate_profile"] = gen_profile
    text = json.dumps(result, indent=2)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(args.out + ".tmp", args.out)
    print(text)


if __name__ == "__main__":
    main()
