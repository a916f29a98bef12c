#!/usr/bin/env python3
"""Independent NumPy port of Hugging Face's XLMRobertaForTokenClassification / BertForTokenClassification forward
pass (eval mode), run on tiny configs whose weights follow a closed formula the C# test reproduces. Writes
expected.json with the logits of a padded batch of two sequences.

Run with Debian's python3-numpy:  /usr/bin/python3 reference.py
Weight formula (parameters sorted by name, k = position in that order, i = flat row-major index):
  *LayerNorm.weight: 1 + 0.1 sin(0.37 i + 0.11 k); *.bias: 0.05 sin(0.53 i + 0.17 k); else 0.3 sin(0.29 i + 0.13 k + 0.5);
computed in float64 and rounded to float32.
"""
import json
import math
import os

import numpy as np

CONFIGS = {
    "xlm-roberta": dict(prefix="roberta", vocab=40, hidden=16, layers=2, heads=2, intermediate=24, max_pos=20,
                        type_vocab=1, eps=1e-5, pad=1, labels=2),
    "bert": dict(prefix="bert", vocab=40, hidden=16, layers=2, heads=4, intermediate=24, max_pos=16,
                 type_vocab=2, eps=1e-12, pad=0, labels=3),
}
SEQUENCES = {
    "xlm-roberta": [[0, 5, 9, 13, 22, 31, 7, 2], [0, 17, 4, 2]],
    "bert": [[2, 5, 9, 13, 22, 31, 7, 3], [2, 17, 4, 3]],
}


def shapes(c):
    p, h = c["prefix"], c["hidden"]
    out = {
        f"{p}.embeddings.word_embeddings.weight": (c["vocab"], h),
        f"{p}.embeddings.position_embeddings.weight": (c["max_pos"], h),
        f"{p}.embeddings.token_type_embeddings.weight": (c["type_vocab"], h),
        f"{p}.embeddings.LayerNorm.weight": (h,),
        f"{p}.embeddings.LayerNorm.bias": (h,),
        "classifier.weight": (c["labels"], h),
        "classifier.bias": (c["labels"],),
    }
    for n in range(c["layers"]):
        l = f"{p}.encoder.layer.{n}"
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
            out[f"{l}.{name}.weight"] = (h, h)
            out[f"{l}.{name}.bias"] = (h,)
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            out[f"{l}.{name}.weight"] = (h,)
            out[f"{l}.{name}.bias"] = (h,)
        out[f"{l}.intermediate.dense.weight"] = (c["intermediate"], h)
        out[f"{l}.intermediate.dense.bias"] = (c["intermediate"],)
        out[f"{l}.output.dense.weight"] = (h, c["intermediate"])
        out[f"{l}.output.dense.bias"] = (h,)
    return out


def weights(c):
    result = {}
    for k, (name, shape) in enumerate(sorted(shapes(c).items())):
        i = np.arange(int(np.prod(shape)), dtype=np.float64)
        if name.endswith("LayerNorm.weight"):
            v = 1 + 0.1 * np.sin(0.37 * i + 0.11 * k)
        elif name.endswith(".bias"):
            v = 0.05 * np.sin(0.53 * i + 0.17 * k)
        else:
            v = 0.3 * np.sin(0.29 * i + 0.13 * k + 0.5)
        result[name] = v.astype(np.float32).astype(np.float64).reshape(shape)
    return result


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def forward(model, c, W, ids, mask):
    p = c["prefix"]
    if model == "xlm-roberta":
        real = (ids != c["pad"]).astype(np.int64)
        positions = np.cumsum(real, axis=1) * real + c["pad"]
    else:
        positions = np.broadcast_to(np.arange(ids.shape[1]), ids.shape)
    x = W[f"{p}.embeddings.word_embeddings.weight"][ids] + W[f"{p}.embeddings.position_embeddings.weight"][positions] \
        + W[f"{p}.embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, W[f"{p}.embeddings.LayerNorm.weight"], W[f"{p}.embeddings.LayerNorm.bias"], c["eps"])
    bsz, t, h = x.shape
    heads, d = c["heads"], h // c["heads"]
    additive = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min

    def lin(v, name):
        return v @ W[name + ".weight"].T + W[name + ".bias"]

    for n in range(c["layers"]):
        l = f"{p}.encoder.layer.{n}"
        q, k_, v = (lin(x, f"{l}.attention.self.{m}").reshape(bsz, t, heads, d).transpose(0, 2, 1, 3) for m in ["query", "key", "value"])
        scores = q @ k_.transpose(0, 1, 3, 2) / math.sqrt(d) + additive
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(bsz, t, h)
        attended = layer_norm(lin(context, f"{l}.attention.output.dense") + x,
                              W[f"{l}.attention.output.LayerNorm.weight"], W[f"{l}.attention.output.LayerNorm.bias"], c["eps"])
        inner = gelu(lin(attended, f"{l}.intermediate.dense"))
        x = layer_norm(lin(inner, f"{l}.output.dense") + attended, W[f"{l}.output.LayerNorm.weight"], W[f"{l}.output.LayerNorm.bias"], c["eps"])
    return lin(x, "classifier")


expected = {}
for model, c in CONFIGS.items():
    seqs = SEQUENCES[model]
    width = max(len(s) for s in seqs)
    ids = np.array([s + [c["pad"]] * (width - len(s)) for s in seqs])
    mask = np.array([[1.0] * len(s) + [0.0] * (width - len(s)) for s in seqs])
    logits = forward(model, c, weights(c), ids, mask)
    expected[model] = {
        "config": c,
        "sequences": seqs,
        "logits": [logits[b, :len(s)].round(7).tolist() for b, s in enumerate(seqs)],
    }

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote expected.json")
