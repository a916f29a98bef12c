#!/usr/bin/env python3
"""Writes sentencepiece.bpe.model: a tiny SentencePiece Unigram model laid out like XLM-RoBERTa's
(<unk> 0, <s> 1, </s> 2, then pieces), for the encoder tests.

Run once with Debian's python3-sentencepiece (0.1.97):  /usr/bin/python3 make_model.py
Instead of the 240 KB nmt_nfkc table, a three-rule normalisation table keeps the file small while still
exercising the precompiled character map: "²" -> "2", "…" -> "...", full-width "１" -> "1".
The script also prints the pieces and ids the tests expect for a few strings.
"""
import os
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = [
    "Janet has 16 eggs. She eats 3 for breakfast and bakes muffins with 4.",
    "So she sells 16 - 3 - 4 = 9 eggs at $2 each, which makes 9 * 2 = 18 dollars.",
    "Step 1: find the total. Step 2: subtract the cost. The answer is 18.",
    "First, we compute the number of apples: 12 + 7 = 19. Then we divide by 2.",
    "Therefore the final answer is 42. Let's check: 6 * 7 = 42, which is correct.",
    "The train travels 60 miles per hour for 3 hours, so it covers 180 miles.",
    "We know x = 5 (from the first step) and y = 10 / 2 = 5, so x + y = 10!",
]
RULES = "B2\t32\n2026\t2E 2E 2E\nFF11\t31\n"

with tempfile.TemporaryDirectory() as tmp:
    corpus = os.path.join(tmp, "corpus.txt")
    rules = os.path.join(tmp, "rules.tsv")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(CORPUS) + "\n")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(RULES)
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=os.path.join(tmp, "m"), vocab_size=96, model_type="unigram",
        character_coverage=1.0, normalization_rule_tsv=rules, num_threads=1, minloglevel=2)
    with open(os.path.join(tmp, "m.model"), "rb") as src, open(os.path.join(HERE, "sentencepiece.bpe.model"), "wb") as dst:
        dst.write(src.read())

sp = spm.SentencePieceProcessor(model_file=os.path.join(HERE, "sentencepiece.bpe.model"))
print("pieces:", sp.get_piece_size())
for text in ["Janet has 16 eggs.", "x² …", "１6 eggs", "Step 1: 3+4=7", "zebra"]:
    print(repr(text), sp.encode(text, out_type=str), sp.encode(text))
