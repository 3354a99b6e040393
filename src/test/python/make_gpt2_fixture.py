"""Builds the GPT-2 parity fixture: a tiny random GPT-2 in HuggingFace's layout, and its logits.

Run from the repository root with Debian's PyTorch:

    /usr/bin/python3 src/test/python/make_gpt2_fixture.py src/test/resources/gpt2-tiny

It writes the three files a HuggingFace GPT-2 folder has (config.json, model.safetensors in
GPT2LMHeadModel naming with Conv1D weights stored [in, out], tokenizer.json) plus expected.json:
token ids and the logits this reference implementation computes for them. The Java test loads the
folder with Gpt2Import and must reproduce the logits within 1e-4.

The forward pass below follows transformers' modeling_gpt2 (eager attention, gelu_new); it is
written out here so the fixture needs nothing but torch.
"""
import json
import math
import struct
import sys
from pathlib import Path

import torch

CONFIG = dict(vocab_size=24, n_positions=16, n_layer=2, n_head=2, n_embd=16, layer_norm_epsilon=1e-5,
              activation_function="gelu_new", model_type="gpt2")
WORDS = ["<|endoftext|>", "[UNK]", "the", "pasta", "was", "good", ".", ",", "!", "our", "server", "slow",
         "and", "we", "waited", "forever", "music", "loud", "bill", "fair", "tacos", "were", "great", "cold"]


def init_params(g):
    """Random weights, larger than GPT-2's 0.02 so that every layer visibly matters."""
    e, v, t = CONFIG["n_embd"], CONFIG["vocab_size"], CONFIG["n_positions"]
    p = {"transformer.wte.weight": torch.randn(v, e, generator=g) * 0.5,
         "transformer.wpe.weight": torch.randn(t, e, generator=g) * 0.3}
    for i in range(CONFIG["n_layer"]):
        h = f"transformer.h.{i}."
        p[h + "ln_1.weight"] = 1 + 0.2 * torch.randn(e, generator=g)
        p[h + "ln_1.bias"] = 0.1 * torch.randn(e, generator=g)
        p[h + "attn.c_attn.weight"] = 0.3 * torch.randn(e, 3 * e, generator=g)  # Conv1D: [in, out]
        p[h + "attn.c_attn.bias"] = 0.1 * torch.randn(3 * e, generator=g)
        p[h + "attn.c_proj.weight"] = 0.3 * torch.randn(e, e, generator=g)
        p[h + "attn.c_proj.bias"] = 0.1 * torch.randn(e, generator=g)
        p[h + "ln_2.weight"] = 1 + 0.2 * torch.randn(e, generator=g)
        p[h + "ln_2.bias"] = 0.1 * torch.randn(e, generator=g)
        p[h + "mlp.c_fc.weight"] = 0.3 * torch.randn(e, 4 * e, generator=g)
        p[h + "mlp.c_fc.bias"] = 0.1 * torch.randn(4 * e, generator=g)
        p[h + "mlp.c_proj.weight"] = 0.3 * torch.randn(4 * e, e, generator=g)
        p[h + "mlp.c_proj.bias"] = 0.1 * torch.randn(e, generator=g)
    p["transformer.ln_f.weight"] = 1 + 0.2 * torch.randn(e, generator=g)
    p["transformer.ln_f.bias"] = 0.1 * torch.randn(e, generator=g)
    p["lm_head.weight"] = p["transformer.wte.weight"]  # tied, as GPT2LMHeadModel saves it
    return p


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def forward(p, ids):
    """GPT-2 logits [B, T, V] for ids [B, T] (no padding)."""
    e, nh, eps = CONFIG["n_embd"], CONFIG["n_head"], CONFIG["layer_norm_epsilon"]
    hd = e // nh
    b, t = ids.shape
    ln = torch.nn.functional.layer_norm
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][torch.arange(t)][None]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(CONFIG["n_layer"]):
        h = f"transformer.h.{i}."
        a = ln(x, (e,), p[h + "ln_1.weight"], p[h + "ln_1.bias"], eps)
        qkv = a @ p[h + "attn.c_attn.weight"] + p[h + "attn.c_attn.bias"]
        q, k, v = qkv.split(e, dim=2)
        q, k, v = (z.view(b, t, nh, hd).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.masked_fill(~causal, torch.finfo(att.dtype).min).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, e)
        x = x + y @ p[h + "attn.c_proj.weight"] + p[h + "attn.c_proj.bias"]
        m = ln(x, (e,), p[h + "ln_2.weight"], p[h + "ln_2.bias"], eps)
        m = gelu_new(m @ p[h + "mlp.c_fc.weight"] + p[h + "mlp.c_fc.bias"])
        x = x + m @ p[h + "mlp.c_proj.weight"] + p[h + "mlp.c_proj.bias"]
    x = ln(x, (e,), p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], eps)
    return x @ p["transformer.wte.weight"].T


def write_safetensors(path, tensors):
    """The safetensors format: u64 header length, a JSON header of dtype/shape/offsets, raw data."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)


def tokenizer_json():
    return {"version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [{"id": 0, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                              "rstrip": False, "normalized": False, "special": True}],
            "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": None, "decoder": None,
            "model": {"type": "WordLevel", "vocab": {w: i for i, w in enumerate(WORDS)}, "unk_token": "[UNK]"}}


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(1234)
    params = init_params(g)
    ids = torch.tensor([[0, 2, 3, 4, 5, 6, 9, 10, 4, 11, 8],
                        [0, 13, 14, 15, 7, 12, 2, 16, 4, 17, 6]])
    with torch.no_grad():
        logits = forward(params, ids)
    (out / "config.json").write_text(json.dumps(CONFIG, indent=2) + "\n")
    (out / "tokenizer.json").write_text(json.dumps(tokenizer_json(), indent=2) + "\n")
    write_safetensors(out / "model.safetensors", params)
    expected = {"torch": torch.__version__, "ids": ids.tolist(),
                "logits": [[[round(float(v), 7) for v in row] for row in seq] for seq in logits]}
    (out / "expected.json").write_text(json.dumps(expected) + "\n")
    print(f"wrote {out}: logits {tuple(logits.shape)}, |logits| max {logits.abs().max():.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/gpt2-tiny")
