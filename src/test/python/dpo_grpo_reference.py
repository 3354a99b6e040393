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
