#!/usr/bin/env python3
"""accuracy - score `phimilter -t` JSON lines against tests/corpus/messages/labels.tsv.

    accuracy.py --labels labels.tsv --json out.jsonl [--min-precision 0.95] [--min-recall 0.95]
    accuracy.py --labels labels.tsv --make-json {perfect,wrong,nophi} > out.jsonl

Prints precision, recall and F1 for "phi" and "pii", separately for the hard
cases, and the false positives/negatives by file name. Exit 0 when phi
precision and recall reach the thresholds, 1 otherwise, 1 also when the JSON
is malformed, lacks a boolean "phi" or "pii", or does not cover exactly the
labelled files. --make-json writes synthetic output for the self-test.
"""

import argparse
import json
import os
import sys


def load_labels(path):
    labels = {}
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:5] != ["file", "phi", "pii", "categories", "hard"]:
            raise SystemExit(f"{path}: unexpected header {header}")
        for n, line in enumerate(f, 2):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6 or cols[1] not in ("yes", "no") or cols[2] not in ("yes", "no"):
                raise SystemExit(f"{path}:{n}: malformed row")
            labels[cols[0]] = {"phi": cols[1] == "yes", "pii": cols[2] == "yes",
                               "cats": cols[3], "hard": cols[4] == "yes", "note": cols[5]}
    return labels


def load_json(path, errors):
    got = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                errors.append(f"{path}:{n}: not JSON ({e})")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("file"), str):
                errors.append(f"{path}:{n}: no \"file\" field")
                continue
            name = os.path.basename(obj["file"])
            for key in ("phi", "pii"):
                if not isinstance(obj.get(key), bool):
                    errors.append(f"{name}: JSON lacks a boolean \"{key}\"")
            got[name] = obj
    return got


def scores(pairs):
    tp = sum(1 for want, have in pairs if want and have)
    fp = sum(1 for want, have in pairs if not want and have)
    fn = sum(1 for want, have in pairs if want and not have)
    tn = len(pairs) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else (1.0 if tp + fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "f1": f1}


def line(label, s):
    return (f"{label:<10} precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}"
            f"   (tp {s['tp']} fp {s['fp']} fn {s['fn']} tn {s['tn']})")


def make_json(labels, mode):
    for i, (name, lab) in enumerate(sorted(labels.items())):
        obj = {"file": "tests/corpus/messages/" + name}
        if mode != "nophi":
            wrong = mode == "wrong" and i % 4 == 0
            obj["phi"] = lab["phi"] != wrong
            obj["pii"] = lab["pii"] != wrong
        print(json.dumps(obj))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels", required=True)
    ap.add_argument("--json")
    ap.add_argument("--make-json", choices=["perfect", "wrong", "nophi"])
    ap.add_argument("--min-precision", type=float, default=0.95)
    ap.add_argument("--min-recall", type=float, default=0.95)
    args = ap.parse_args()
    labels = load_labels(args.labels)
    if args.make_json:
        make_json(labels, args.make_json)
        return 0
    errors = []
    got = load_json(args.json, errors)
    missing = sorted(set(labels) - set(got))
    extra = sorted(set(got) - set(labels))
    errors += [f"{n}: labelled but absent from the JSON" for n in missing]
    errors += [f"{n}: in the JSON but not labelled" for n in extra]
    if errors:
        shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
        print("corpus_accuracy: FAIL: unusable classifier output:\n  " + "\n  ".join(shown))
        return 1
    names = sorted(labels)
    print(f"corpus: {len(names)} messages, {sum(labels[n]['phi'] for n in names)} phi, "
          f"{sum(labels[n]['hard'] for n in names)} hard")
    result = {}
    for key in ("phi", "pii"):
        result[key] = scores([(labels[n][key], got[n][key]) for n in names])
        print(line(key, result[key]))
        hard = [n for n in names if labels[n]["hard"]]
        print(line(key + "/hard", scores([(labels[n][key], got[n][key]) for n in hard])))
    for key in ("phi", "pii"):
        fps = [n for n in names if got[n][key] and not labels[n][key]]
        fns = [n for n in names if labels[n][key] and not got[n][key]]
        for kind, lst in (("false positive", fps), ("false negative", fns)):
            for n in lst:
                print(f"  {key} {kind}: {n}  ({labels[n]['note']})")
    ok = result["phi"]["precision"] >= args.min_precision and result["phi"]["recall"] >= args.min_recall
    print(f"corpus_accuracy: {'PASS' if ok else 'FAIL'}: phi precision {result['phi']['precision']:.3f} "
          f"(min {args.min_precision}), recall {result['phi']['recall']:.3f} (min {args.min_recall})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
