#!/usr/bin/python3
"""Make test/fixtures/analysis-cases.json: synthetic classifier outputs plus what
scikit-learn / numpy / scipy compute on them. These are the independent expected values
for test/unit/analysis; the TypeScript code under test never produces them.

Run from the repository root with the Debian python (numpy 1.24, scikit-learn 1.2, scipy 1.10):
    /usr/bin/python3 scripts/analysis-cases/make_cases.py
"""
import base64
import json
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_fscore_support,
)

SEED = 20240611
TOP = 20           # cap on the ranked lists compared
CL_LIST = 30       # label issues compared in rank order
TARGET = 0.9       # coverage target accuracy
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'analysis-cases.json')

rng = np.random.default_rng(SEED)


def softmax32(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def synth(n, c, signal_lo, signal_hi, noise=1.0):
    """Logits with signal toward a true class; returns (true classes, float32 probabilities)."""
    true = rng.integers(0, c, size=n)
    logits = rng.normal(0.0, noise, size=(n, c))
    logits[np.arange(n), true] += rng.uniform(signal_lo, signal_hi, size=n)
    return true, softmax32(logits)


def flip(labels, c, rate):
    """Replace a fraction of labels by a different random class (label noise)."""
    labels = labels.copy()
    pick = rng.random(labels.shape[0]) < rate
    labels[pick] = (labels[pick] + rng.integers(1, c, size=pick.sum())) % c
    return labels


def encode_probs(p):
    """float32 little-endian, base64: exact, compact, and NaN/Inf survive (JSON has no NaN)."""
    return base64.b64encode(np.ascontiguousarray(p, dtype='<f4').tobytes()).decode('ascii')


def expected(probs32, labels, indices, classes):
    C = len(classes)
    finite = np.isfinite(probs32).all(axis=1)
    labelled = labels >= 0
    use = finite & labelled
    P = probs32[use].astype(np.float64)   # exactly the float32 values the TS code sees
    y = labels[use]
    idx = indices[use]
    N = len(y)
    pred = P.argmax(axis=1)               # first maximum on ties
    conf = P.max(axis=1)
    p_label = P[np.arange(N), y]
    others = P.copy()
    others[np.arange(N), y] = -np.inf
    margin = p_label - (others.max(axis=1) if C > 1 else 0.0)
    loss = -np.log(np.maximum(p_label, 1e-12))
    correct = pred == y

    cm = confusion_matrix(y, pred, labels=list(range(C)))
    prec, rec, f1, sup = precision_recall_fscore_support(y, pred, labels=list(range(C)), zero_division=0)
    mac = precision_recall_fscore_support(y, pred, labels=list(range(C)), average='macro', zero_division=0)
    mic = precision_recall_fscore_support(y, pred, labels=list(range(C)), average='micro', zero_division=0)
    ap = []
    for c in range(C):
        pos = y == c
        ap.append(float(average_precision_score(pos, P[:, c])) if pos.any() else 0.0)

    # ECE: 15 equal-width bins (b/15, (b+1)/15], confidence 0 in the first bin.
    edges = np.linspace(0.0, 1.0, 16)
    rel = []
    ece = 0.0
    for b in range(15):
        m = (conf > edges[b]) & (conf <= edges[b + 1])
        if b == 0:
            m |= conf <= 0
        nb = int(m.sum())
        mc = float(conf[m].mean()) if nb else 0.0
        ab = float(correct[m].mean()) if nb else 0.0
        ece += abs(ab - mc) * nb / N
        rel.append({'count': nb, 'meanConfidence': mc, 'accuracy': ab})

    # Rankings: np.lexsort sorts by the last key first.
    wrong = np.flatnonzero(~correct)
    mis_all = wrong[np.lexsort((idx[wrong], -conf[wrong]))]
    hard_all = np.lexsort((idx, p_label))
    mis, hard = mis_all[:TOP], hard_all[:TOP]

    # Confident learning on the full probability matrix.
    thr = np.full(C, np.inf)
    for j in range(C):
        if (y == j).any():
            thr[j] = P[y == j, j].mean()
    mask = P >= thr[None, :]
    assigned = np.where(mask, P, -np.inf).argmax(axis=1)
    issue = mask.any(axis=1) & (assigned != y)
    iss = np.flatnonzero(issue)
    sc_self = 1.0 - p_label
    sc_margin = (1.0 - margin) / 2.0
    order_self_all = iss[np.lexsort((idx[iss], -sc_self[iss]))]
    order_margin_all = iss[np.lexsort((idx[iss], -sc_margin[iss]))]
    order_self, order_margin = order_self_all[:CL_LIST], order_margin_all[:CL_LIST]

    # Coverage: answer when confidence >= threshold; only thresholds at distinct confidences.
    order = np.argsort(-conf, kind='stable')
    cs = conf[order]
    cum = np.cumsum(correct[order])
    ends = np.flatnonzero(np.r_[cs[1:] != cs[:-1], True])   # last position of each tie group
    k = ends + 1
    accs = cum[ends] / k
    ok = np.flatnonzero(accs >= TARGET)
    cov_at = float(k[ok[-1]] / N) if len(ok) else 0.0
    thr_at = float(cs[ends[ok[-1]]]) if len(ok) else None

    # Label permutation: rows of the confusion matrix are labels, columns predictions.
    rows, cols = linear_sum_assignment(cm, maximize=True)
    after = float(cm[rows, cols].sum() / N)
    moves = sorted([[int(col), int(row)] for row, col in zip(rows, cols) if row != col])

    conf_all = probs32[finite & ~labelled].astype(np.float64).max(axis=1) if (finite & ~labelled).any() else np.zeros(0)
    hist_conf, _ = np.histogram(np.r_[conf, conf_all], bins=20, range=(0.0, 1.0))
    upper = min(float(loss.max()), 10.0) if N and loss.max() > 0 else 1.0
    hist_loss, loss_edges = np.histogram(np.minimum(loss, upper), bins=30, range=(0.0, upper))

    return {
        'numExamples': int(len(labels)),
        'numLabelled': int(N),
        'nonFinite': [int(i) for i in indices[~finite]],
        'accuracy': float(correct.mean()),
        'confusion': cm.tolist(),
        'perClass': [
            {'precision': float(prec[c]), 'recall': float(rec[c]), 'f1': float(f1[c]), 'support': int(sup[c]), 'averagePrecision': ap[c]}
            for c in range(C)
        ],
        'macro': {'precision': float(mac[0]), 'recall': float(mac[1]), 'f1': float(mac[2])},
        'micro': {'precision': float(mic[0]), 'recall': float(mic[1]), 'f1': float(mic[2])},
        'ece': float(ece),
        'reliability': rel,
        'mistakes': [
            {'index': int(idx[r]), 'label': int(y[r]), 'predicted': int(pred[r]), 'confidence': float(conf[r]),
             'pLabel': float(p_label[r]), 'margin': float(margin[r]), 'loss': float(loss[r])}
            for r in mis
        ],
        # Full orders (dataset indices), for comparisons with top = N where score ties occur.
        'mistakeOrder': [int(i) for i in idx[mis_all]],
        'hardestOrder': [int(i) for i in idx[hard_all]],
        'hardest': [{'index': int(idx[r]), 'pLabel': float(p_label[r])} for r in hard],
        'confidentLearning': {
            'thresholds': [float(t) if np.isfinite(t) else None for t in thr],
            'count': int(issue.sum()),
            'selfConfidenceOrder': [int(i) for i in idx[order_self_all]],
            'normalizedMarginOrder': [int(i) for i in idx[order_margin_all]],
            'selfConfidence': [{'index': int(idx[r]), 'suggested': int(assigned[r]), 'score': float(sc_self[r]), 'pSuggested': float(P[r, assigned[r]])} for r in order_self],
            'normalizedMargin': [{'index': int(idx[r]), 'suggested': int(assigned[r]), 'score': float(sc_margin[r])} for r in order_margin],
        },
        'coverage': {'targetAccuracy': TARGET, 'coverageAtTarget': cov_at, 'thresholdAtTarget': thr_at},
        'permutation': {'accuracyAfter': after, 'moves': moves},
        'histograms': {
            'confidence': hist_conf.tolist(),
            'loss': {'upper': float(loss_edges[-1]), 'counts': hist_loss.tolist()},
        },
    }


def make_case(name, classes, labels, probs32, indices, note):
    assert probs32.dtype == np.float32 and probs32.shape == (len(labels), len(classes))
    return {
        'name': name,
        'note': note,
        'classes': classes,
        'indices': [int(i) for i in indices],
        'labels': [int(l) for l in labels],
        'probsFloat32Base64': encode_probs(probs32),
        'expected': expected(probs32, labels, indices, classes),
    }


def shuffled_indices(n, offset):
    """Dataset indices in an order unlike the insertion order, so 'ties by index' is tested."""
    return rng.permutation(n) + offset


cases = []

# 1. Ten classes, label noise, duplicated rows (exact score ties) and argmax ties.
C, N = 10, 3000
true, P = synth(N, C, 0.0, 4.5)
labels = flip(true, C, 0.08)
dup_src = rng.choice(N, size=40, replace=False)
dup_dst = rng.choice(np.setdiff1d(np.arange(N), dup_src), size=40, replace=False)
P[dup_dst] = P[dup_src]
labels[dup_dst] = labels[dup_src]
for r in rng.choice(N, size=12, replace=False):   # two classes share the top probability
    a, b = sorted(rng.choice(C, size=2, replace=False))
    row = P[r].astype(np.float64)
    row[a] = row[b] = row.max()
    P[r] = (row / row.sum()).astype(np.float32)
    P[r, b] = P[r, a]
cases.append(make_case('multiclass', [f'class_{c}' for c in range(C)], labels, P, shuffled_indices(N, 100),
                       'C=10, N=3000, 8% flipped labels, 40 duplicated rows, 12 rows with a tied argmax'))

# 2. NaN/Inf rows and unlabelled rows mixed in.
C, N = 5, 800
true, P = synth(N, C, 0.5, 3.5)
labels = flip(true, C, 0.05)
bad = rng.choice(N, size=25, replace=False)
for j, r in enumerate(bad):
    P[r, rng.integers(0, C)] = [np.nan, np.inf, -np.inf][j % 3]
unl = rng.choice(np.setdiff1d(np.arange(N), bad[:5]), size=60, replace=False)
labels[unl] = -1
labels[bad[:5]] = -1
cases.append(make_case('nonfinite', ['a', 'b', 'c', 'd', 'e'], labels, P, np.arange(N),
                       'C=5, N=800, 25 rows with NaN/Inf, 65 unlabelled rows (5 of them also non-finite)'))

# 3. Binary.
C, N = 2, 1500
true, P = synth(N, C, -0.5, 3.0)
labels = flip(true, C, 0.1)
cases.append(make_case('binary', ['neg', 'pos'], labels, P, shuffled_indices(N, 0), 'C=2, N=1500, 10% flipped'))

# 4. A class nobody is labelled with (zero support) that the model still predicts.
C, N = 6, 1000
true, P = synth(N, C, 0.5, 3.5)
labels = flip(true, C, 0.05)
labels[labels == 4] = rng.choice([0, 1, 2, 3, 5], size=(labels == 4).sum())
cases.append(make_case('zero-support', [f'k{c}' for c in range(C)], labels, P, shuffled_indices(N, 5000),
                       'C=6, N=1000, class 4 has no labelled examples but is predicted'))

# 5. Labels out of order: a good model, labels of classes 0..5 rotated.
C, N = 8, 1200
true, P = synth(N, C, 2.5, 6.0)
perm = np.array([1, 2, 3, 4, 5, 0, 6, 7])
labels = perm[true]
cases.append(make_case('permuted', [f'p{c}' for c in range(C)], labels, P, shuffled_indices(N, 0),
                       'C=8, N=1200, strong model, labels of classes 0..5 rotated by one'))

# 6. Classes calibrated very differently: even classes are easy and favoured (high
#    confident-learning thresholds, they fill every row's top-5), odd classes are hard (low
#    thresholds). Here the winner of confident learning is often outside the top-5, which
#    is what the accumulator's extra candidates are for.
C, N = 20, 3000
true = rng.integers(0, C, size=N)
logits = rng.normal(0.0, 1.0, size=(N, C))
easy = np.arange(C) % 2 == 0
logits[np.arange(N), true] += np.where(easy, 5.0, 0.3)[true] * rng.uniform(0.3, 1.2, size=N)
logits += np.where(easy, 1.0, 0.0)[None, :]
P = softmax32(logits)
labels = flip(true, C, 0.1)
cases.append(make_case('skewed-calibration', [f's{c}' for c in range(C)], labels, P, shuffled_indices(N, 0),
                       'C=20, N=3000, even classes easy and favoured, odd classes hard, 10% flipped'))

# Hungarian: random integer weight matrices and scipy's optimum.
hungarian = []
for n in [1, 2, 3, 5, 8, 12, 20]:
    w = rng.integers(0, 30, size=(n, n))
    r, c = linear_sum_assignment(w, maximize=True)
    cost = rng.normal(0, 10, size=(n, n)).round(3)
    rc, cc = linear_sum_assignment(cost)
    hungarian.append({'n': n, 'weights': w.tolist(), 'maxTotal': int(w[r, c].sum()),
                      'costs': cost.tolist(), 'minTotal': float(cost[rc, cc].sum())})

doc = {
    'generatedBy': 'scripts/analysis-cases/make_cases.py',
    'seed': SEED,
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scikit-learn': sklearn.__version__, 'scipy': scipy.__version__},
    'top': TOP,
    'cases': cases,
    'hungarian': hungarian,
}
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
print(f'wrote {os.path.relpath(OUT)}: {os.path.getsize(OUT)} bytes; ' +
      ', '.join(f"{c['name']}: acc {c['expected']['accuracy']:.3f}, CL {c['expected']['confidentLearning']['count']}" for c in cases))
