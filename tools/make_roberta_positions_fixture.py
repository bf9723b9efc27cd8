#!/usr/bin/env python3
"""Reference logits of the committed tiny RoBERTa classifier for id sequences with the pad token *inside* the text.
transformers numbers RoBERTa positions with `create_position_ids_from_input_ids`: pad tokens get position
`padding_idx` and are not counted, so the tokens after them keep the positions they would have without them.
Reads Tests/Fixtures/models/tiny-roberta-cls (made by tools/make_fixtures.py), writes inner-pad.json beside it.
Usage: .venv/bin/python tools/make_roberta_positions_fixture.py"""
import json

import torch
from transformers import RobertaForSequenceClassification

FOLDER = "Tests/Fixtures/models/tiny-roberta-cls"
SEQUENCES = [
    [0, 5, 1, 7, 8, 2],          # one pad token between words
    [0, 1, 1, 9, 10, 11, 2],     # two at the start of the text
    [0, 12, 13, 14, 1, 2],       # one just before </s>
    [0, 5, 6, 7, 2],             # none: the plain numbering
]


def main():
    model = RobertaForSequenceClassification.from_pretrained(FOLDER).eval()
    assert model.config.pad_token_id == 1
    logits = []
    for ids in SEQUENCES:
        x = torch.tensor([ids])
        with torch.no_grad():
            logits.append([float(v) for v in model(input_ids=x, attention_mask=torch.ones_like(x)).logits[0]])
    with open(f"{FOLDER}/inner-pad.json", "w") as f:
        json.dump({"ids": SEQUENCES, "logits": logits}, f)
    print(f"{FOLDER}/inner-pad.json: {len(SEQUENCES)} sequences")


if __name__ == "__main__":
    main()
