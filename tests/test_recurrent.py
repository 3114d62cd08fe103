"""mathdl.recurrent and mathdl.recurrent_tasks: each claim of the chapter re-checked without the notebook."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import autodiff as ad
from mathdl import recurrent as rec
from mathdl import recurrent_tasks as tasks
from mathdl.autodiff import recurrent as rops
from mathdl.verify import derive, gradcheck

#: Two computations of the same float64 quantity by different orders of operations.
SAME_RTOL = 1e-10
KEYS = ("W_ih", "W_hh", "b_ih", "b_hh")


def _sig(x):
    return 1 / (1 + np.exp(-x))


# ------------------------------------------------------------------------------------------ parameters

@pytest.mark.parametrize("kind,k", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_parameter_counts(kind, k):
    """recurrent.parameter-counts: our sizes, PyTorch's documented shapes and k(Hd + H^2 + 2H) agree exactly."""
    for d, h in ((1, 1), (3, 5), (64, 128)):
        ours = sum(v.size for v in rec.init_params(kind, d, h).values())
        torch = sum(int(np.prod(s)) for s in rec.pytorch_shapes(kind, d, h).values())
        assert ours == torch == rec.parameter_count(kind, d, h) == k * (h * d + h * h + 2 * h)
        p = rec.init_params(kind, d, h)
        assert p["W_ih"].T.shape == rec.pytorch_shapes(kind, d, h)["weight_ih_l0"]


def test_init_bounds_and_orthogonal():
    p = rec.init_params("lstm", 4, 9, seed=3, forget_bias=2.0)
    assert np.all(np.abs(p["W_hh"]) <= 1 / 3)
    assert np.all(p["b_ih"][9:18] >= 2 - 1 / 3) and np.all(np.abs(p["b_ih"][:9]) <= 1 / 3)
    q = rec.init_params("gru", 4, 5, orthogonal_hh=True)["W_hh"]
    for j in range(3):
        block = q[:, 5 * j:5 * (j + 1)]
        assert np.allclose(block @ block.T, np.eye(5), atol=1e-12)


def test_orthogonal_keeps_norms(rng):
    """recurrent.orthogonal-norm: ||h Q|| = ||h|| and ||Q^t||_2 = 1."""
    Q = rec.orthogonal(6, seed=2)
    h = rng.standard_normal((5, 6))
    assert np.allclose(np.linalg.norm(h @ Q, axis=1), np.linalg.norm(h, axis=1), rtol=1e-13)
    assert np.allclose(rec.jacobian_norms(Q, 20, activation="linear"), 1.0, rtol=1e-12)
    assert abs(rec.spectral_radius(Q) - 1) < 1e-12


# ------------------------------------------------------------------------------------------ conventions

def test_lstm_matches_pytorch_equations(rng):
    """recurrent.pytorch-conventions: gates i, f, g, o in PyTorch's documented form, written out here."""
    d, h, n = 3, 4, 5
    p = rec.init_params("lstm", d, h, seed=1)
    x, h0, c0 = rng.standard_normal((n, d)), rng.standard_normal((n, h)), rng.standard_normal((n, h))
    W_ii, W_if, W_ig, W_io = np.split(p["W_ih"], 4, axis=1)
    W_hi, W_hf, W_hg, W_ho = np.split(p["W_hh"], 4, axis=1)
    bi, bf, bg, bo = np.split(p["b_ih"] + p["b_hh"], 4)
    i = _sig(x @ W_ii + h0 @ W_hi + bi)
    f = _sig(x @ W_if + h0 @ W_hf + bf)
    g = np.tanh(x @ W_ig + h0 @ W_hg + bg)
    o = _sig(x @ W_io + h0 @ W_ho + bo)
    c1 = f * c0 + i * g
    h1, c1_ours = rec.lstm_step(x, h0, c0, p)
    assert np.allclose(c1_ours, c1, rtol=SAME_RTOL) and np.allclose(h1, o * np.tanh(c1), rtol=SAME_RTOL)


def test_gru_matches_pytorch_equations(rng):
    """recurrent.pytorch-conventions: r_t multiplies (h W_hn + b_hn), not h before the product."""
    d, h, n = 3, 4, 5
    p = rec.init_params("gru", d, h, seed=2)
    x, h0 = rng.standard_normal((n, d)), rng.standard_normal((n, h))
    (W_ir, W_iz, W_in), (W_hr, W_hz, W_hn) = np.split(p["W_ih"], 3, axis=1), np.split(p["W_hh"], 3, axis=1)
    (b_ir, b_iz, b_in), (b_hr, b_hz, b_hn) = np.split(p["b_ih"], 3), np.split(p["b_hh"], 3)
    r = _sig(x @ W_ir + b_ir + h0 @ W_hr + b_hr)
    z = _sig(x @ W_iz + b_iz + h0 @ W_hz + b_hz)
    nn = np.tanh(x @ W_in + b_in + r * (h0 @ W_hn + b_hn))
    assert np.allclose(rec.gru_step(x, h0, p), (1 - z) * nn + z * h0, rtol=SAME_RTOL)
    wrong = np.tanh(x @ W_in + b_in + (r * h0) @ W_hn + b_hn)    # the other (Cho et al.) convention
    assert not np.allclose((1 - z) * wrong + z * h0, rec.gru_step(x, h0, p))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_fused_equals_unrolled(rng, kind):
    """The batched/fused driver and the unrolled per-step graph give the same states and gradients."""
    X = rng.standard_normal((6, 3, 2))
    p = rec.init_params(kind, 2, 4, seed=5)
    G = rng.standard_normal((6, 3, 4))
    out = []
    for unrolled in (False, True):
        t = {k: ad.Tensor(p[k]) for k in KEYS}
        hid = rec.run(kind, X, t, unrolled=unrolled).hidden
        (hid * G).sum().backward()
        out.append((hid.value, [t[k].grad for k in KEYS]))
    assert np.allclose(out[0][0], out[1][0], rtol=SAME_RTOL, atol=1e-14)
    for a, b in zip(out[0][1], out[1][1]):
        assert np.allclose(a, b, rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------------------------------ BPTT

def _rnn_loss_grads(X, p, G, activation="tanh"):
    t = {k: ad.Tensor(p[k]) for k in KEYS}
    seq = rec.run("rnn", X, t, activation=activation, unrolled=True)
    (seq.hidden * G).sum().backward()
    return t, seq


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_bptt_matches_engine(rng, activation):
    """recurrent.bptt: the hand BPTT formula equals the engine's gradients, and delta_t is h_t.grad."""
    X, G = rng.standard_normal((12, 3, 2)), rng.standard_normal((12, 3, 5))
    p = rec.init_params("rnn", 2, 5, seed=1)
    t, seq = _rnn_loss_grads(X, p, G, activation)
    by_hand = rec.bptt_grads(X, p, G, activation=activation)
    assert np.allclose(by_hand["W_hh"], t["W_hh"].grad, rtol=SAME_RTOL, atol=1e-13)
    assert np.allclose(by_hand["W_ih"], t["W_ih"].grad, rtol=SAME_RTOL, atol=1e-13)
    assert np.allclose(by_hand["b"], t["b_hh"].grad, rtol=SAME_RTOL, atol=1e-13)
    for k, h in enumerate(seq.steps):
        assert np.allclose(by_hand["delta"][k], h.grad, rtol=SAME_RTOL, atol=1e-13)


def test_bptt_finite_differences(rng):
    """recurrent.bptt: BPTT against central differences for T = 15."""
    X, G = rng.standard_normal((15, 2, 2)), rng.standard_normal((15, 2, 3))
    p = rec.init_params("rnn", 2, 3, seed=2)

    def f(w_hh):
        q = dict(p, W_hh=w_hh)
        return np.array(np.sum(G * rops.rnn_sequence(X @ q["W_ih"] + q["b_ih"] + q["b_hh"], np.zeros((2, 3)), w_hh)))

    rep = gradcheck(f, lambda u, w: u * rec.bptt_grads(X, dict(p, W_hh=w), G)["W_hh"], [p["W_hh"]],
                    claim="recurrent.bptt")
    assert rep.passed


def test_bptt_symbolic_T2():
    """recurrent.bptt at T = 2, H = 1: the formula's terms, derived by SymPy, with each index."""
    w, u1, u2, h0, c1, c2 = sp.symbols("w u1 u2 h0 c1 c2", real=True)
    a1 = h0 * w + u1
    h1 = sp.tanh(a1)
    a2 = h1 * w + u2
    h2 = sp.tanh(a2)
    d2 = c2
    d1 = c1 + d2 * (1 - sp.tanh(a2)**2) * w
    bptt = h0 * d1 * (1 - sp.tanh(a1)**2) + h1 * d2 * (1 - sp.tanh(a2)**2)
    d = derive(sp.Derivative(c1 * h1 + c2 * h2, w), (bptt, "BPTT", "doit"), claim="recurrent.bptt",
               instance="T = 2")
    assert d.result == bptt


def test_tied_weights(rng):
    """recurrent.tied-weights: tied gradient = sum of the untied copies' gradients."""
    X, G = rng.standard_normal((5, 2, 2)), rng.standard_normal((5, 2, 3))
    p = rec.init_params("rnn", 2, 3, seed=0)
    t, _ = _rnn_loss_grads(X, p, G)
    copies = [ad.Tensor(p["W_hh"]) for _ in range(5)]
    h = np.zeros((2, 3))
    total = 0.0
    for k in range(5):
        h = ad.tanh(ad.matmul(h, copies[k]) + (X[k] @ p["W_ih"] + p["b_ih"] + p["b_hh"]))
        total = total + (h * G[k]).sum()
    total.backward()
    assert np.allclose(sum(c.grad for c in copies), t["W_hh"].grad, rtol=SAME_RTOL, atol=1e-14)


def test_truncated_bptt(rng):
    """recurrent.truncated-bptt: k = T is full BPTT; the error shrinks with k when rho < 1."""
    X, G = rng.standard_normal((20, 2, 2)), rng.standard_normal((20, 2, 4))
    p = rec.init_params("rnn", 2, 4, seed=4)
    full = rec.bptt_grads(X, p, G)["W_hh"]
    assert np.allclose(rec.bptt_grads(X, p, G, truncate=20)["W_hh"], full, rtol=SAME_RTOL, atol=1e-14)
    errs = [np.linalg.norm(rec.bptt_grads(X, p, G, truncate=k)["W_hh"] - full) for k in (1, 2, 4, 8)]
    assert all(a > b for a, b in zip(errs, errs[1:])) and errs[0] > 0
    one = rec.bptt_grads(X, p, G, truncate=1)
    hs = rops.rnn_sequence(X @ p["W_ih"] + p["b_ih"] + p["b_hh"], np.zeros((2, 4)), p["W_hh"])
    prev = np.concatenate([np.zeros((1, 2, 4)), hs[:-1]])
    assert np.allclose(one["W_hh"], np.einsum("tni,tnj->ij", prev, G * (1 - hs**2)), rtol=SAME_RTOL)


# ------------------------------------------------------------------------------------------ gradient flow

def test_linear_jacobian_is_power(rng):
    """recurrent.linear-jacobian: ||dh_T/dh_t|| = ||W^(T-t)||, and the growth rate tends to rho(W)."""
    W = rng.standard_normal((4, 4)) * 0.5
    norms = rec.jacobian_norms(W, 10, activation="linear")
    for t in range(11):
        assert np.isclose(norms[t], np.linalg.norm(np.linalg.matrix_power(W, 10 - t), 2), rtol=1e-12)
    rate = rec.jacobian_norms(W, 400, activation="linear")[0] ** (1 / 400)
    assert abs(rate / rec.spectral_radius(W) - 1) < 0.02


def test_tanh_bound(rng):
    """recurrent.tanh-bound: ||dh_T/dh_0|| <= (||W||_2)^T, attained for zero inputs at h = 0."""
    for seed in range(5):
        W = np.random.default_rng(seed).standard_normal((5, 5)) * 0.6
        u = np.random.default_rng(seed + 10).standard_normal((15, 5))
        assert rec.jacobian_norms(W, 15, inputs=u)[0] <= rec.tanh_jacobian_bound(W, 15) * (1 + 1e-12)
    Q = 1.1 * rec.orthogonal(3)
    assert np.isclose(rec.jacobian_norms(Q, 8)[0], rec.tanh_jacobian_bound(Q, 8), rtol=1e-12)
    assert rec.tanh_jacobian_bound(2.0 * np.eye(2), 3) == 8.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=8), st.floats(1e-3, 1e3))
def test_clip_direction(values, tau):
    """recurrent.clip-direction: factor min(1, tau/||g||): direction kept, norm min(||g||, tau)."""
    g = np.array(values)
    clipped, norm = rec.clip_by_norm(g, tau)
    assert np.isclose(norm, np.linalg.norm(g), rtol=1e-12)
    assert np.isclose(np.linalg.norm(clipped), min(norm, tau), rtol=1e-12, atol=1e-300)
    if norm > 0:
        assert np.isclose(clipped @ g, np.linalg.norm(clipped) * norm, rtol=1e-12)
    assert np.allclose(clipped, min(1.0, tau / norm) * g if norm > 0 else g, rtol=1e-14)


def test_clip_lists_and_symbolic():
    a, b = np.array([3.0]), np.array([[4.0]])
    (ca, cb), norm = rec.clip_by_norm([a, b], 1.0)
    assert norm == 5.0 and np.allclose(ca, 0.6) and np.allclose(cb, 0.8)
    clipped = rec.clip_by_norm(np.array([2.0, 1.0]), 0.5)[0]
    assert np.allclose(clipped, 0.5 * np.array([2.0, 1.0]) / np.sqrt(5.0), rtol=1e-15)


def test_lstm_carousel(rng):
    """recurrent.lstm-carousel: dc_t/dc_{t-1} = diag(f_t), from the op's VJP with only a cotangent on c_t."""
    gx, h, c, w = rng.standard_normal((2, 12)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), \
        rng.standard_normal((3, 12))
    out = rops.lstm_cell(gx, h, c, w)
    g = np.zeros_like(out)
    g[:, 3:6] = rng.standard_normal((2, 3))
    dc_prev = rops.lstm_cell_vjp(g, out, gx, h, c, w)[2]
    assert np.allclose(dc_prev, g[:, 3:6] * out[:, 9:12], rtol=1e-14)


def test_gru_direct_path(rng):
    """recurrent.gru-direct-path: with W_hh = 0 and b_hh = 0, dh_t/dh_{t-1} = diag(z_t) exactly."""
    gx, h = rng.standard_normal((2, 9)), rng.standard_normal((2, 3))
    out = rops.gru_cell(gx, h, np.zeros((3, 9)), np.zeros(9))
    g = np.zeros_like(out)
    g[:, :3] = rng.standard_normal((2, 3))
    dh = rops.gru_cell_vjp(g, out, gx, h, np.zeros((3, 9)), np.zeros(9))[1]
    assert np.allclose(dh, g[:, :3] * out[:, 6:9], rtol=1e-14)


# ------------------------------------------------------------------------------------------ likelihood

def test_sequence_nll_and_perplexity(rng):
    """recurrent.sequence-nll: the mean of per-step cross-entropies; perplexity of uniform V is V."""
    logits = rng.standard_normal((4, 3, 5))
    targets = rng.integers(0, 5, (4, 3))
    logp = logits - np.log(np.exp(logits).sum(axis=2, keepdims=True))
    expected = -np.mean(np.take_along_axis(logp, targets[..., None], axis=2))
    assert np.isclose(float(rec.sequence_nll(logits, targets).value), expected, rtol=1e-13)
    assert np.isclose(rec.perplexity(float(rec.sequence_nll(np.zeros((3, 2, 7)), targets[:3, :2] % 7).value)), 7.0)
    assert rec.perplexity(0.0) == 1.0


# ------------------------------------------------------------------------------------------ experiments

def test_memory_task_data():
    X, y = tasks.memory_task(50, 7, n_symbols=3, seed=1)
    assert X.shape == (8, 50, 4) and np.all(X[0, :, 3] == 1) and np.all(X[1:, :, 3] == 0)
    assert np.all(X.sum(axis=2) == np.concatenate([[2], np.ones(7)])[:, None])
    assert np.array_equal(np.argmax(X[0, :, :3], axis=1), y)


def test_memory_training_short_lag():
    """recurrent.memory-task (smoke): every kind learns lag 3 quickly; runs are deterministic."""
    for kind in ("rnn", "lstm", "gru"):
        r = tasks.train_memory(kind, 3, steps=80, batch=32, seed=0)
        assert r.accuracy >= 0.9, (kind, r.accuracy)
    a = tasks.train_memory("lstm", 4, steps=10, probe_every=5)
    b = tasks.train_memory("lstm", 4, steps=10, probe_every=5)
    assert np.array_equal(a.losses, b.losses) and a.delta_norms.shape == (2, 5)


def test_char_model_and_sampling():
    """recurrent.char-model (smoke): a short run beats the unigram model and sampling is seeded."""
    text = "the cat sat on the mat. " * 40
    m = tasks.train_char_model(text, hidden=16, steps=60, seq_len=12, batch=8)
    assert m.valid_nll < m.unigram_nll
    s1 = tasks.sample_text(m, "the", 20, seed=1)
    assert s1 == tasks.sample_text(m, "the", 20, seed=1) and len(s1) == 23 and set(s1) <= set(m.vocab)
    for kind in ("gru", "rnn"):
        g = tasks.train_char_model(text, kind=kind, hidden=8, steps=3, seq_len=8, batch=4)
        assert len(tasks.sample_text(g, "t", 5)) == 6


# ------------------------------------------------------------------------------------------ bad input

def test_bad_input():
    with pytest.raises(ValueError, match="kind must be one of"):
        rec.parameter_count("transformer", 3, 4)
    with pytest.raises(ValueError, match="hidden must be a positive integer"):
        rec.init_params("lstm", 3, 0)
    with pytest.raises(TypeError, match="X must be a float64"):
        rec.run("rnn", np.zeros((2, 3, 4), dtype=int), rec.init_params("rnn", 4, 2))
    with pytest.raises(ValueError, match="W_ih must be"):
        rec.run("lstm", np.zeros((2, 3, 5)), rec.init_params("lstm", 4, 2))
    with pytest.raises(ValueError, match="max_norm must be a positive"):
        rec.clip_by_norm(np.ones(3), 0.0)
    with pytest.raises(ValueError, match="NaN"):
        rec.clip_by_norm(np.array([np.nan]), 1.0)
    with pytest.raises(TypeError, match="non-empty list"):
        rec.clip_by_norm([], 1.0)
    with pytest.raises(ValueError, match="targets must"):
        rec.sequence_nll(np.zeros((2, 1, 3)), np.array([[0], [3]]))
    with pytest.raises(ValueError, match="square"):
        rec.spectral_radius(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="dh must have shape"):
        rec.bptt_grads(np.zeros((2, 1, 2)), rec.init_params("rnn", 2, 3), np.zeros((2, 1, 4)))
    with pytest.raises(ValueError, match="perplexity"):
        rec.perplexity(-1.0)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        tasks.encode("xyz", "abc")
    with pytest.raises(ValueError, match="indices must lie"):
        tasks.one_hot(np.array([3]), 3)


def test_training_records_are_exact():
    """recurrent.memory-task: the first recorded loss, gradient norm and probe equal an independent computation."""
    run = tasks.train_memory("gru", 4, hidden=5, steps=1, batch=6, seed=2, probe_every=1)
    params = rec.init_params("gru", 5, 5, seed=2, forget_bias=3.0)
    r = np.random.default_rng(2 + 1000)
    params["W_y"] = r.uniform(-1, 1, (5, 4)) / np.sqrt(5)
    params["b_y"] = np.zeros(4)
    t = {k: ad.Tensor(v) for k, v in params.items()}
    X, y = tasks.memory_task(6, 4, 4, seed=200_000)
    logits, _ = tasks._readout("gru", X, t)
    loss = tasks._cross_entropy(logits, y)
    loss.backward()
    assert run.losses[0] == float(loss.value)
    assert np.isclose(run.grad_norms[0], np.sqrt(sum(np.sum(t[k].grad ** 2) for k in params)), rtol=1e-14)
    Xp, yp = tasks.memory_task(6, 4, 4, seed=2 + 777)
    tp = {k: ad.Tensor(v) for k, v in params.items()}
    lp, seq = tasks._readout("gru", Xp, tp, unrolled=True)
    tasks._cross_entropy(lp, yp).backward()
    assert np.allclose(run.delta_norms[0], [np.linalg.norm(h.grad) for h in seq.steps], rtol=1e-14)
    assert 0 <= run.accuracy <= 1 and float(run.accuracy * 500).is_integer()


def test_flatten_roundtrip_and_adam_step():
    p = {"a": np.arange(6.0).reshape(2, 3), "b": np.array([7.0])}
    flat = tasks._flatten(p)
    assert np.array_equal(flat, np.array([0, 1, 2, 3, 4, 5, 7.0]))
    back = tasks._unflatten(flat, p)
    assert all(np.array_equal(back[k], p[k]) for k in p)
    new, losses, _, norms = tasks._adam_train(p, lambda t: (t["a"] * t["a"]).sum() + t["b"].sum(), 1, 0.1, None)
    assert losses == [55.0 + 7.0] and np.isclose(norms[0], np.sqrt(4 * 55 + 1))
    assert np.allclose(new["a"], p["a"] - 0.1 * np.sign(p["a"]), atol=1e-7) and np.isclose(new["b"][0], 6.9)


def test_char_model_first_loss_and_unigram():
    """recurrent.char-model: the first loss is the NLL of the initial model on its first batch; unigram by hand."""
    text = "abcabcabd " * 12
    m = tasks.train_char_model(text, hidden=4, steps=1, seq_len=5, batch=3, seed=1)
    vocab = tasks.char_vocab(text)
    ids = tasks.encode(text, vocab)
    split = int(len(ids) * 0.9)
    params = rec.init_params("lstm", len(vocab), 4, seed=1, forget_bias=1.0)
    r = np.random.default_rng(2)
    params["W_y"] = r.uniform(-1, 1, (4, len(vocab))) / 2.0
    params["b_y"] = np.zeros(len(vocab))
    starts = r.integers(0, split - 6, 3)
    window = np.stack([ids[s:s + 6] for s in starts], axis=1)
    logits = tasks._char_logits("lstm", tasks.one_hot(window[:-1], len(vocab)), params)[0]
    assert np.isclose(m.losses[0], float(rec.sequence_nll(logits, window[1:]).value), rtol=1e-14)
    freq = (np.bincount(ids[:split], minlength=len(vocab)) + 1.0) / (split + len(vocab))
    assert np.isclose(m.unigram_nll, -np.mean(np.log(freq[ids[split + 1:]])), rtol=1e-14)
