#!/usr/bin/python3
"""PyTorch-eager twin of dev.rlhf4j.bench.PpoBenchmark: one PPO iteration as PpoTrainer.step() does it.

The same three models (policy = GPT + value head on the shared trunk, frozen reference GPT, reward
model = GPT + scalar head on the appended EOS), loaded from the same checkpoint
(datasets/pretrained/small/model.safetensors; random GPT-2 init if it is missing), the same shapes
and the same phases, timed at the same boundaries as PpoTrainer's time/ppo/* metrics:

  rollout        64 prompts of BOS + 3 words (the 3-word prompts of prompts.csv), 32 new tokens
                 sampled at temperature 1 with a KV cache; EOS is ignored on both sides, so every
                 response has 32 tokens (the Java side gives the policy a tokenizer without EOS)
  score          reward model on BOS + prompt + response + EOS, the response's PAD/BOS/EOS tokens
                 left out as the Java side's decode + re-encode does (so [64, ~35], right-padded),
                 hidden state of each row's last token (one-hot pick as RewardModel.forward), head
  forward_pass   no-grad forward of policy and reference over [64, 36]: log-softmax rows, the
                 sampled tokens' log-probs, values, entropy, to the host
  optimize_step  per-token rewards -beta*KL + score at the last token, GAE (gamma 1, lambda 0.95) and
                 whitening in numpy, then 4 epochs x 4 shuffled minibatches of 16 of TRL's clipped
                 policy + value loss (PpoLoss's ops), backward, global-norm clip 1.0, AdamW
                 (betas 0.9/0.95, eps 1e-8, lr 1e-4, no weight decay: PpoTrainer's LmOptimizer)
  total          the above + adaptive KL controller + a few metrics

Dropout is off (the Java policy runs with training=false). Writes one JSON object with the Java
side's keys to --out, or to stdout.

Run with Debian's python3-torch:  /usr/bin/python3 bench/ppo_twin.py --threads 2
"""
import argparse
import csv
import datetime
import json
import math
import os
import statistics
import struct
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description="PyTorch-eager twin of rlhf4j's PpoBenchmark")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--checkpoint", default="datasets/pretrained/small")
    ap.add_argument("--prompts", default="datasets/reviews/prompts.csv")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--mini-batch", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--prompt-len", type=int, default=4, help="prompt tokens, BOS included")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=7)
    ap.add_argument("--out", help="write the JSON to this file instead of stdout")
    ap.add_argument("--profile", action="store_true", help="also profile one iteration (torch.profiler)")
    return ap.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    # BLAS libraries read their thread count when they are loaded, i.e. on `import torch`
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_twin  # noqa: E402  (the GPT of the LM twin)

PAD, BOS, EOS, FIRST_WORD = 0, 1, 2, 4
MASKED_FILL = torch_twin.MASKED_FILL

# PpoConfig.defaults()
LR, INIT_KL, TARGET_KL, HORIZON, GAMMA, LAM = 1e-4, 0.2, 6.0, 10_000, 1.0, 0.95
CLIP, CLIP_V, VF_COEF, MISSING_EOS_PENALTY, RATIO_THRESHOLD, MAX_GRAD_NORM = 0.2, 0.2, 0.1, 1.0, 10.0, 1.0


class GptWithHidden(torch_twin.Gpt):
    """torch_twin's GPT, also returning the final hidden state as Gpt.java does: (logits, hidden, caches)."""

    def forward(self, ids, positions, bias, cache=None):
        x = F.embedding(ids, self.wte) + F.embedding(positions, self.wpe)
        caches = []
        for i, blk in enumerate(self.h):
            x, kv = blk(x, bias, None if cache is None else cache[i])
            caches.append(kv)
        x = self.ln_f(x)
        return F.linear(x, self.wte), x, caches


class ScalarHead(nn.Module):
    """w.h + b, w ~ N(0, 1/sqrt(E+1)), b = 0 (PolicyModel's value head, RewardModel's score head)."""

    def __init__(self, e):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(1, e) / math.sqrt(e + 1.0))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, h, dim):
        return (h * self.weight).sum(dim) + self.bias


def read_config(ckpt):
    with open(os.path.join(ckpt, "config.json")) as f:
        return json.load(f)["model"]


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        assert meta["dtype"] == "F32", f"{path}: {name} is {meta['dtype']}, expected F32"
        a, b = meta["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).copy()).reshape(meta["shape"])
    return out


def twin_name(java_name):
    """Gpt.java's GPT-2 parameter names -> torch_twin's module names."""
    if java_name in ("wte.weight", "wpe.weight"):
        return java_name[:3]
    return (java_name.replace(".attn.c_attn.", ".c_attn.").replace(".attn.c_proj.", ".attn_proj.")
            .replace(".mlp.c_fc.", ".c_fc.").replace(".mlp.c_proj.", ".mlp_proj."))


def make_gpt(cfg, weights):
    m = GptWithHidden(cfg["vocabSize"], cfg["contextLength"], cfg["nLayer"], cfg["nHead"], cfg["nEmbd"], 0.0,
                      cfg["layerNormEpsilon"])
    if weights is not None:
        m.load_state_dict({twin_name(k): v for k, v in weights.items()}, strict=True)
    return m.eval()  # dropout off, as the Java side's training=false


def read_prompts(path, vocab_file, prompt_len):
    """The prompts of prompts.csv that tokenize (word-level) to prompt_len - 1 words, as token ids."""
    with open(vocab_file) as f:
        index = {w: i for i, w in enumerate(json.load(f)["vocab"])}
    out = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            words = row["prompt"].split()
            if len(words) == prompt_len - 1:
                out.append([BOS] + [index.get(w, 3) for w in words])
    return out


def row_bias(valid, t_q, past):
    """[B,1,t_q,S] additive bias: query past+i sees key j iff j <= past+i and valid[:, j] (AttentionMask.bias)."""
    s = valid.shape[1]
    causal = torch.arange(s).reshape(1, s) <= (past + torch.arange(t_q)).reshape(t_q, 1)  # [t_q, S]
    keep = causal.reshape(1, 1, t_q, s) & valid[:, None, None, :]
    return torch.where(keep, 0.0, MASKED_FILL)


def full_inputs(seqs):
    """ids, positions, bias of an unpadded batch [B, T] (TokenBatch.rightPadded(...).toInputs())."""
    b, t = seqs.shape
    valid = torch.ones(b, t, dtype=torch.bool)
    positions = (valid.cumsum(1) - 1).clamp(min=0) * valid
    return seqs, positions, row_bias(valid, t, 0)


@torch.no_grad()
def rollout(policy, queries, new_tokens, gen):
    """Sampler.generate with the KV cache and no EOS: every row gets new_tokens tokens. Returns [B, new]."""
    b, plen = queries.shape
    cap = plen + new_tokens
    grid = torch.full((b, cap), PAD, dtype=torch.long)
    grid[:, :plen] = queries
    valid = torch.zeros(b, cap, dtype=torch.bool)
    valid[:, :plen] = True
    length, cache = plen, None
    for _ in range(new_tokens):
        if cache is None:
            ids = grid[:, :length]
            positions = (valid[:, :length].cumsum(1) - 1).clamp(min=0) * valid[:, :length]
            bias = row_bias(valid[:, :length], length, 0)
        else:
            ids = grid[:, length - 1:length]
            positions = torch.full((b, 1), length - 1, dtype=torch.long)
            bias = row_bias(valid[:, :length], 1, length - 1)
        logits, _, cache = policy(ids, positions, bias, cache)
        probs = logits[:, -1, :].softmax(-1)  # [B, V]
        nxt = torch.multinomial(probs, 1, generator=gen).squeeze(1)
        grid[:, length] = nxt
        valid[:, length] = True
        length += 1
    return grid[:, plen:]


@torch.no_grad()
def score(rm, rm_head, queries, responses):
    """RewardModel.score: the response's text is decoded (PAD, BOS and EOS left out) and re-encoded,
    each row is BOS + prompt + response + EOS, right-padded; the scalar head reads the hidden state
    of each row's last real token (a one-hot pick, as RewardModel.forward)."""
    rows = [q + [t for t in r if t not in (PAD, BOS, EOS)] + [EOS]
            for q, r in zip(queries.tolist(), responses.tolist())]
    b, t = len(rows), max(len(r) for r in rows)
    ids = torch.full((b, t), PAD, dtype=torch.long)
    valid = torch.zeros(b, t, dtype=torch.bool)
    pick = torch.zeros(b, t, 1)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        valid[i, :len(r)] = True
        pick[i, len(r) - 1] = 1.0  # one-hot of the last real token
    positions = (valid.cumsum(1) - 1).clamp(min=0) * valid
    _, hidden, _ = rm(ids, positions, row_bias(valid, t, 0))
    h = (hidden * pick).sum(1)  # [B, E]
    return rm_head(h, 1).numpy().astype(np.float64), t


def token_logprobs(log_rows, ids):
    return log_rows.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)  # [B, T-1]


@torch.no_grad()
def forward_pass(policy, v_head, ref, seqs, plen):
    """Phase 3: policy log-probs, values and entropy, reference log-probs, over the response positions."""
    inputs = full_inputs(seqs)
    logits, hidden, _ = policy(*inputs)
    values = v_head(hidden, 2)                                 # [B, T]
    rows = logits[:, :-1].log_softmax(-1)                      # [B, T-1, V]
    ref_rows = ref(*inputs)[0][:, :-1].log_softmax(-1)
    lp = token_logprobs(rows, seqs).numpy()
    ref_lp = token_logprobs(ref_rows, seqs).numpy()
    val = values[:, :-1].numpy()
    ent = (rows.exp() * rows).sum(-1).neg().numpy()
    s = plen - 1  # response positions: |query| - 1 ... T - 2
    return (lp[:, s:].astype(np.float64), ref_lp[:, s:].astype(np.float64), val[:, s:].astype(np.float64),
            ent[:, s:].sum(1).astype(np.float64))


def gae(rewards, values):
    """GAE per row, vectorised over the batch, looping over t backwards (TRL's loop)."""
    adv = np.zeros_like(rewards)
    last = np.zeros(rewards.shape[0])
    steps = rewards.shape[1]
    for t in reversed(range(steps)):
        nxt = values[:, t + 1] if t + 1 < steps else 0.0
        delta = rewards[:, t] + GAMMA * nxt - values[:, t]  # d_t = r_t + g V_{t+1} - V_t
        last = delta + GAMMA * LAM * last                   # A_t = d_t + g l A_{t+1}
        adv[:, t] = last
    return adv, adv + values


def whiten(x, shift_mean=True):
    mean, var = x.mean(), x.var(ddof=1)
    w = (x - mean) / math.sqrt(var + 1e-8)
    return w if shift_mean else w + mean


def masked_mean(x, m):
    return (x * m).sum() / m.sum().clamp(min=1.0)


def ppo_loss(logp, old_logp, adv, vpred, old_values, returns, mask):
    """PpoLoss.compute's ops: TRL's clipped policy + value loss and the stats in one host transfer."""
    neg_a = adv.neg()
    log_ratio = logp - old_logp
    ratio = log_ratio.exp()
    pg1 = ratio * neg_a
    pg2 = ratio.clamp(1 - CLIP, 1 + CLIP) * neg_a
    policy = masked_mean(torch.maximum(pg1, pg2), mask)
    v_clipped = torch.maximum(torch.minimum(vpred, old_values + CLIP_V), old_values - CLIP_V)
    vf1 = (vpred - returns).square()
    vf2 = (v_clipped - returns).square()
    value = masked_mean(torch.maximum(vf1, vf2), mask) * 0.5
    total = policy + value * VF_COEF
    ent = mask.sum() * float("nan")
    stats = torch.stack((total, policy, value, ent, masked_mean((pg2 > pg1).float(), mask),
                         masked_mean(log_ratio.square(), mask) * 0.5, masked_mean(log_ratio.neg(), mask),
                         masked_mean((vf2 > vf1).float(), mask), masked_mean(ratio, mask))).detach()
    return total, stats.tolist()


class Twin:
    def __init__(self, args):
        cfg = read_config(args.checkpoint)
        wfile = os.path.join(args.checkpoint, "model.safetensors")
        weights = read_safetensors(wfile) if os.path.exists(wfile) else None
        self.cfg, self.args, self.loaded = cfg, args, weights is not None
        torch.manual_seed(args.seed)
        self.policy = make_gpt(cfg, weights)
        self.v_head = ScalarHead(cfg["nEmbd"])
        self.ref = make_gpt(cfg, weights).requires_grad_(False)
        self.rm = make_gpt(cfg, weights).requires_grad_(False)
        self.rm_head = ScalarHead(cfg["nEmbd"]).requires_grad_(False)
        self.params = list(self.policy.parameters()) + list(self.v_head.parameters())
        self.opt = torch.optim.AdamW(self.params, lr=LR, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0)
        self.prompts = read_prompts(args.prompts, os.path.join(args.checkpoint, "tokenizer.json"), args.prompt_len)
        if not self.prompts:
            raise SystemExit(f"ppo_twin: no prompt of {args.prompt_len} tokens in {args.prompts}")
        self.rng = np.random.default_rng(args.seed)
        self.gen = torch.Generator().manual_seed(args.seed)
        self.kl_coef = INIT_KL

    def step(self):
        a = self.args
        n = a.batch
        t0 = time.perf_counter()
        # (1) rollout
        picks = self.rng.integers(len(self.prompts), size=n)
        queries = torch.tensor([self.prompts[i] for i in picks], dtype=torch.long)  # [B, P]
        responses = rollout(self.policy, queries, a.new_tokens, self.gen)             # [B, N]
        t1 = time.perf_counter()
        # (2) score: raw score minus the missing-EOS penalty (no response ends: EOS is never sampled)
        raw, self.score_len = score(self.rm, self.rm_head, queries, responses)
        scores = raw - MISSING_EOS_PENALTY
        t2 = time.perf_counter()
        # (3) forward
        seqs = torch.cat((queries, responses), dim=1)                                 # [B, P+N]
        logp, ref_logp, values, entropy = forward_pass(self.policy, self.v_head, self.ref, seqs, a.prompt_len)
        t3 = time.perf_counter()
        # (4) rewards, (5) GAE and whitening
        beta = self.kl_coef
        kl = logp - ref_logp                         # KL_t = logp - logp_ref
        rewards = -beta * kl                         # r_t = -beta KL_t
        rewards[:, -1] += scores                     # + score at the last token
        adv, returns = gae(rewards, values)
        adv = whiten(adv)
        # (6) minibatch epochs
        stats = self.optimize(seqs, logp, values, adv, returns)
        t4 = time.perf_counter()
        # (7) KL controller and metrics
        mean_kl = float(kl.sum(1).mean())
        err = min(max(mean_kl / TARGET_KL - 1, -0.2), 0.2)
        self.kl_coef *= 1 + err * n / HORIZON
        metrics = {"env/reward_mean": float(scores.mean()), "objective/kl": mean_kl, "objective/entropy": float(entropy.mean()),
                   "ppo/returns/mean": float(returns.mean()), "ppo/val/var_explained":
                       float(1 - np.var(returns - values) / np.var(returns)),
                   "ppo/loss/total": statistics.fmean(s[0] for s in stats) if stats else float("nan"),
                   "tokens/responses_len_mean": float(responses.shape[1]), "score_len": self.score_len}
        t5 = time.perf_counter()
        metrics.update({"time/ppo/rollout": t1 - t0, "time/ppo/score": t2 - t1, "time/ppo/forward_pass": t3 - t2,
                        "time/ppo/optimize_step": t4 - t3, "time/ppo/total": t5 - t0})
        return metrics

    def optimize(self, seqs, logp, values, adv, returns):
        a = self.args
        n, w = seqs.shape[0], seqs.shape[1] - 1
        s = a.prompt_len - 1
        stats = []
        for _ in range(a.epochs):
            order = self.rng.permutation(n)
            for start in range(0, n, a.mini_batch):
                rows = order[start:start + a.mini_batch]
                b = len(rows)
                # [b, T-1] arrays with the response positions filled, as PpoTrainer.minibatch builds them
                mask, old_lp, mb_adv, old_v, mb_ret = (np.zeros((b, w), dtype=np.float32) for _ in range(5))
                mask[:, s:] = 1
                old_lp[:, s:], mb_adv[:, s:], old_v[:, s:], mb_ret[:, s:] = logp[rows], adv[rows], values[rows], returns[rows]
                inputs = full_inputs(seqs[torch.from_numpy(rows)])
                logits, hidden, _ = self.policy(*inputs)
                log_rows = logits[:, :-1].log_softmax(-1)                  # [b, T-1, V]
                lp = token_logprobs(log_rows, inputs[0])                   # [b, T-1]
                vpred = self.v_head(hidden, 2)[:, :-1]                     # [b, T-1]
                total, st = ppo_loss(lp, torch.from_numpy(old_lp), torch.from_numpy(mb_adv), vpred,
                                     torch.from_numpy(old_v), torch.from_numpy(mb_ret), torch.from_numpy(mask))
                stats.append(st)
                if st[8] > RATIO_THRESHOLD:
                    continue
                total.backward()
                torch.nn.utils.clip_grad_norm_(self.params, MAX_GRAD_NORM)
                self.opt.step()
                self.opt.zero_grad()
        return stats


def phase(ms):
    return {"ms_median": statistics.median(ms), "ms_min": min(ms), "ms_mean": statistics.fmean(ms)}


def main():
    args = ARGS
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    twin = Twin(args)
    keys = ("rollout", "score", "forward_pass", "optimize_step", "total")
    times = {k: [] for k in keys}
    resp, score_len = [], []
    for it in range(args.warmup + args.iterations):
        m = twin.step()
        if it >= args.warmup:
            for k in keys:
                times[k].append(m["time/ppo/" + k] * 1e3)
            resp.append(m["tokens/responses_len_mean"])
            score_len.append(m["score_len"])
    other = [times["total"][i] - sum(times[k][i] for k in keys[:4]) for i in range(args.iterations)]
    prof = torch_twin.profile(twin.step, 1, 20) if args.profile else None
    cfg = twin.cfg
    steps_per_epoch = -(-args.batch // args.mini_batch)
    result = {
        "impl": "pytorch-eager",
        "engine": "PyTorch " + torch.__version__ + " eager (python " + sys.version.split()[0] + ")",
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "blas": torch_twin.blas_library(),
        "model": {"checkpoint": args.checkpoint + ("" if twin.loaded else " (weights missing: random init)"),
                  "vocab_size": cfg["vocabSize"], "context_length": cfg["contextLength"], "n_layer": cfg["nLayer"],
                  "n_head": cfg["nHead"], "n_embd": cfg["nEmbd"],
                  "parameters": sum(p.numel() for p in twin.policy.parameters())},
        "work": {"batch": args.batch, "mini_batch": args.mini_batch, "ppo_epochs": args.epochs,
                 "optimizer_steps": args.epochs * steps_per_epoch, "prompt_len": args.prompt_len,
                 "new_tokens": args.new_tokens, "response_tokens_mean": statistics.fmean(resp),
                 "score_len_mean": statistics.fmean(score_len),
                 "prompts_available": len(twin.prompts), "learning_rate": LR, "warmup": args.warmup,
                 "iterations": args.iterations},
        "phases": {"rollout": phase(times["rollout"]), "score": phase(times["score"]),
                   "forward_pass": phase(times["forward_pass"]), "optimize_step": phase(times["optimize_step"]),
                   "other": phase(other), "total": phase(times["total"])},
        "total_ms": times["total"],
    }
    if prof:
        result["profile"] = prof
    text = json.dumps(result, indent=2)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(args.out + ".tmp", args.out)
    else:
        print(text)


if __name__ == "__main__":
    main()
