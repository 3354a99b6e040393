"""Golden numbers for DpoLossTest (and GrpoLossTest): TRL's loss lines run in torch, float64.

Run with Debian's python3-torch: /usr/bin/python3 src/test/python/dpo_grpo_reference.py
The Java tests hold the printed numbers; rerun this to check them.

DPO: trl/trainer/dpo_trainer.py `dpo_loss` (v0.7.11-v0.28): logits = (pi_c - pi_r) - (ref_c - ref_r);
sigmoid = -logsigmoid(beta*logits)*(1-ls) - logsigmoid(-beta*logits)*ls; hinge = relu(1 - beta*logits);
ipo = (logits - 1/(2*beta))**2 on per-token mean log-probs (average_log_prob for ipo);
rewards = beta*(policy - reference) on summed log-probs (as v1.9 logs them for every loss type).
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# Four pairs: summed completion log-probs of policy and reference, and completion token counts.
PI_C = [-12.0, -20.0, -8.5, -30.25]
PI_R = [-15.0, -18.0, -9.0, -28.0]
REF_C = [-13.0, -19.0, -8.0, -31.0]
REF_R = [-14.0, -18.5, -9.5, -27.5]
N_C = [4, 6, 3, 10]
N_R = [5, 3, 3, 9]


def dpo(loss_type, beta, ls):
    pc = torch.tensor(PI_C, requires_grad=True)
    pr = torch.tensor(PI_R, requires_grad=True)
    rc, rr = torch.tensor(REF_C), torch.tensor(REF_R)
    nc, nr = torch.tensor(N_C, dtype=torch.float64), torch.tensor(N_R, dtype=torch.float64)
    if loss_type == "ipo":  # TRL >= v0.7.11: the log-probs themselves are per-token means
        logits = (pc / nc - pr / nr) - (rc / nc - rr / nr)
    else:
        logits = (pc - pr) - (rc - rr)
    if loss_type == "sigmoid":
        losses = -F.logsigmoid(beta * logits) * (1 - ls) - F.logsigmoid(-beta * logits) * ls
    elif loss_type == "hinge":
        losses = torch.relu(1 - beta * logits)
    else:
        losses = (logits - 1 / (2 * beta)) ** 2
    loss = losses.mean()
    loss.backward()
    chosen = beta * (pc - rc).detach()
    rejected = beta * (pr - rr).detach()
    print(f"dpo {loss_type} beta={beta} ls={ls}: loss {loss.item():.15g}")
    print("  grad chosen", [f"{g:.15g}" for g in pc.grad.tolist()])
    print("  grad rejected", [f"{g:.15g}" for g in pr.grad.tolist()])
    print(f"  rewards/chosen {chosen.mean().item():.15g} rewards/rejected {rejected.mean().item():.15g}"
          f" margins {(chosen - rejected).mean().item():.15g}"
          f" accuracies {(chosen > rejected).double().mean().item():.15g}"
          f" logps/chosen {pc.mean().item():.15g} logps/rejected {pr.mean().item():.15g}")


print("torch", torch.__version__)
for lt, beta, ls in [("sigmoid", 0.1, 0.0), ("sigmoid", 0.5, 0.1), ("hinge", 0.1, 0.0), ("ipo", 0.5, 0.0)]:
    dpo(lt, beta, ls)


# GRPO: trl/trainer/grpo_trainer.py v1.9.0 `_generate_and_score_completions` (advantages, scale_rewards="group")
# and `_compute_loss` (one process, no gradient accumulation). Two groups of G = 2, T = 4, max_completion_length 6.
REWARDS = [0.7, -0.2, 1.5, 1.1]
LOGP = [[-1.2, -0.4, -2.1, 0.0], [-0.8, -1.6, 0.0, 0.0], [-0.3, -0.9, -1.4, -0.5], [-2.2, 0.0, 0.0, 0.0]]
OLD = [[-1.0, -0.7, -2.0, 0.0], [-1.1, -1.5, 0.0, 0.0], [-0.35, -0.6, -1.3, -0.9], [-2.0, 0.0, 0.0, 0.0]]
REF = [[-1.5, -0.3, -1.8, 0.0], [-0.9, -1.2, 0.0, 0.0], [-0.2, -1.1, -1.9, -0.4], [-2.5, 0.0, 0.0, 0.0]]
LENGTHS = [3, 2, 4, 1]


def grpo(loss_type, beta, eps=0.2, g=2, max_len=6):
    rewards = torch.tensor(REWARDS)
    mean = rewards.view(-1, g).mean(dim=1).repeat_interleave(g)
    std = rewards.view(-1, g).std(dim=1).repeat_interleave(g)
    advantages = (rewards - mean) / (std + 1e-4)
    logps = torch.tensor(LOGP, requires_grad=True)
    old, ref = torch.tensor(OLD), torch.tensor(REF)
    mask = torch.tensor([[1.0 if t < n else 0.0 for t in range(4)] for n in LENGTHS])
    per_token_kl = torch.exp(ref - logps) - (ref - logps) - 1
    coef_1 = torch.exp(logps - old)
    coef_2 = torch.clamp(coef_1, 1 - eps, 1 + eps)
    per_token_loss = -torch.min(coef_1 * advantages.unsqueeze(1), coef_2 * advantages.unsqueeze(1))
    if beta != 0:
        per_token_loss = per_token_loss + beta * per_token_kl
    if loss_type == "grpo":
        loss = ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    elif loss_type == "bnpo":
        loss = (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    else:
        loss = (per_token_loss * mask).sum() / (per_token_loss.size(0) * max_len)
    loss.backward()
    kl = (per_token_kl * mask).sum() / mask.sum()
    low = ((coef_1 < 1 - eps) & (advantages.unsqueeze(1) < 0)).double()
    high = ((coef_1 > 1 + eps) & (advantages.unsqueeze(1) > 0)).double()
    print(f"grpo {loss_type} beta={beta}: loss {loss.item():.15g} kl {kl.item():.15g}"
          f" low {((low * mask).sum() / mask.sum()).item():.15g} high {((high * mask).sum() / mask.sum()).item():.15g}")
    print("  advantages", [f"{a:.15g}" for a in advantages.tolist()])
    print("  grad", [[f"{x:.15g}" for x in row] for row in logps.grad.tolist()])


for lt, beta in [("grpo", 0.04), ("bnpo", 0.04), ("dr_grpo", 0.0)]:
    grpo(lt, beta)
