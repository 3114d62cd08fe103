r"""Training recurrent networks: the recall-after-a-lag memory task and a character-level language model.

Everything is trained with the engine (:mod:`mathdl.autodiff`, through :func:`mathdl.recurrent.run`) and
:func:`mathdl.optim_adaptive.adam_step`, with gradients clipped by norm (:func:`mathdl.recurrent.clip_by_norm`);
runs are seeded and deterministic.

Book: Recurrent networks, "Experiments: memory across a lag" and "A character-level model".
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from mathdl import autodiff as ad
from mathdl import optim_adaptive
from mathdl.recurrent import GATES, _kind, _positive_int, clip_by_norm, init_params, run, sequence_nll

__all__ = ["CharModel", "MemoryRun", "char_vocab", "encode", "memory_task", "one_hot", "sample_text",
           "train_char_model", "train_memory"]


def one_hot(indices: np.ndarray, size: int) -> np.ndarray:
    """One-hot float64 rows: ``(..., size)`` with a 1 at each index.

    Examples
    --------
    >>> one_hot(np.array([2, 0]), 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    if not isinstance(indices, np.ndarray) or indices.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be an integer array; got {type(indices).__name__}.")
    size = _positive_int(size, "size", "one_hot")
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        raise ValueError(f"one_hot: indices must lie in [0, {size}); got [{indices.min()}, {indices.max()}].")
    return np.eye(size)[indices]


def memory_task(n: int, lag: int, n_symbols: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Recall after a lag: a symbol at :math:`t = 1`, then ``lag`` distractor steps; predict the symbol at the end.

    Parameters
    ----------
    n : int
        Number of sequences.
    lag : int
        Steps between the symbol and the query (the sequence has ``lag + 1`` steps).
    n_symbols : int
        :math:`K`; chance accuracy is :math:`1/K`.
    seed : int

    Returns
    -------
    X : ndarray, shape (lag + 1, n, K + 1)
        Step 1 holds the symbol one-hot in the first K inputs and a 1 in the marker input K; each later step a
        random distractor symbol in the same K inputs (marker 0). The network must store the marked symbol
        and ignore the others: a gate's job.
    y : ndarray of int, shape (n,)
        The symbol to recall.

    References
    ----------
    Book: Recurrent networks, "Experiments: memory across a lag" (claim ``recurrent.memory-task``).

    Examples
    --------
    >>> X, y = memory_task(3, 5)
    >>> X.shape, bool(np.all(X[0, np.arange(3), y] == 1))
    ((6, 3, 5), True)
    """
    n, lag, k = (_positive_int(v, name, "memory_task")
                 for v, name in ((n, "n"), (lag, "lag"), (n_symbols, "n_symbols")))
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    X = np.zeros((lag + 1, n, k + 1))
    X[0, np.arange(n), y] = 1.0
    X[0, :, k] = 1.0                                           # the marker: "remember this one"
    X[1:, :, :k] = one_hot(rng.integers(0, k, (lag, n)), k)    # distractors in the same channels
    return X, y


def _flatten(params: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([v.ravel() for v in params.values()])


def _unflatten(vector: np.ndarray, like: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out, i = {}, 0
    for key, v in like.items():
        out[key] = vector[i:i + v.size].reshape(v.shape)
        i += v.size
    return out


def _adam_train(params: dict[str, np.ndarray], loss_fn, steps: int, lr: float, clip: float | None,
                probe=None, probe_every: int = 0) -> tuple[dict[str, np.ndarray], list[float], list, list[float]]:
    """Adam on the flattened parameters, with optional clipping by norm; returns params, losses, probes, norms.

    BLAS runs on one thread meanwhile: the matrices of these small models are far too small to gain from more,
    and on a busy machine a multithreaded BLAS loses several times over to contention.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _adam_loop(params, loss_fn, steps, lr, clip, probe, probe_every)


def _adam_loop(params, loss_fn, steps, lr, clip, probe, probe_every):
    state, losses, probes, norms = None, [], [], []
    vec = _flatten(params)
    for step in range(steps):
        if probe is not None and probe_every and step % probe_every == 0:
            probes.append(probe(params))
        tensors = {k: ad.Tensor(v) for k, v in params.items()}
        loss = loss_fn(tensors)
        loss.backward()
        grads = [tensors[k].grad for k in params]
        if clip is not None:
            grads, norm = clip_by_norm(grads, clip)
        else:
            norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
        norms.append(norm)
        losses.append(float(loss.value))
        vec, state = optim_adaptive.adam_step(vec, np.concatenate([g.ravel() for g in grads]), state, lr=lr)
        params = _unflatten(vec, params)
    return params, losses, probes, norms


class MemoryRun(NamedTuple):
    """Result of :func:`train_memory`."""

    kind: str
    lag: int
    accuracy: float
    losses: np.ndarray
    grad_norms: np.ndarray
    delta_norms: np.ndarray


def _readout(kind: str, X: np.ndarray, params: dict[str, Any], unrolled: bool = False):
    seq = run(kind, X, {k: params[k] for k in ("W_ih", "W_hh", "b_ih", "b_hh")}, unrolled=unrolled)
    last = seq.hidden[X.shape[0] - 1]
    return ad.matmul(last, params["W_y"]) + params["b_y"], seq


def _cross_entropy(logits: ad.Tensor, y: np.ndarray) -> ad.Tensor:
    picked = logits[np.arange(len(y)), y]
    return ad.mean(ad.logsumexp(logits, axis=1) - picked)


def train_memory(kind: str, lag: int, *, hidden: int = 16, n_symbols: int = 4, steps: int = 150, batch: int = 64,
                 lr: float = 0.02, clip: float | None = 1.0, seed: int = 0, probe_every: int = 0,
                 forget_bias: float = 3.0) -> MemoryRun:
    r"""Train an RNN, LSTM or GRU (plus a linear readout of :math:`h_T`) on :func:`memory_task` with Adam.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    lag : int
    hidden, n_symbols, steps, batch : int
    lr : float
        Adam's learning rate.
    clip : float or None
        Clip the global gradient norm to this value (None: no clipping).
    seed : int
        Seeds the parameters (LSTM forget bias 1) and the data; each step draws a fresh batch.
    forget_bias : float
        Added to the LSTM's forget-gate bias at initialisation (:math:`f \approx \sigma(3) = 0.95`: the
        carousel starts nearly open).
    probe_every : int
        Every so many steps, record :math:`\lVert \partial L / \partial h_t \rVert` for every :math:`t` (from an
        unrolled run on a probe batch); 0: never.

    Returns
    -------
    MemoryRun
        Test accuracy on 500 fresh sequences, per-step losses and (unclipped) gradient norms, and the probed
        :math:`\lVert \delta_t \rVert` (one row per probe).

    References
    ----------
    Book: Recurrent networks, "Experiments: memory across a lag" (claim ``recurrent.memory-task``).
    """
    kind = _kind(kind, "train_memory")
    lag, hidden, n_symbols, steps, batch = (_positive_int(v, name, "train_memory") for v, name in (
        (lag, "lag"), (hidden, "hidden"), (n_symbols, "n_symbols"), (steps, "steps"), (batch, "batch")))
    params = init_params(kind, n_symbols + 1, hidden, seed=seed, forget_bias=forget_bias)
    rng = np.random.default_rng(seed + 1000)
    params["W_y"] = rng.uniform(-1, 1, (hidden, n_symbols)) / np.sqrt(hidden)
    params["b_y"] = np.zeros(n_symbols)
    data_seeds = iter(range(seed * 100_000, seed * 100_000 + steps))
    X_probe, y_probe = memory_task(batch, lag, n_symbols, seed=seed + 777)

    def loss_fn(t: dict[str, ad.Tensor]) -> ad.Tensor:
        X, y = memory_task(batch, lag, n_symbols, seed=next(data_seeds))
        return _cross_entropy(_readout(kind, X, t)[0], y)

    def probe(p: dict[str, np.ndarray]) -> np.ndarray:
        t = {k: ad.Tensor(v) for k, v in p.items()}
        logits, seq = _readout(kind, X_probe, t, unrolled=True)
        _cross_entropy(logits, y_probe).backward()
        return np.array([0.0 if h.grad is None else float(np.linalg.norm(h.grad)) for h in seq.steps])

    params, losses, probes, norms = _adam_train(params, loss_fn, steps, lr, clip, probe, probe_every)
    X_test, y_test = memory_task(500, lag, n_symbols, seed=seed + 999)
    logits = _readout(kind, X_test, params)[0].value
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    return MemoryRun(kind, lag, accuracy, np.array(losses), np.array(norms),
                     np.array(probes) if probes else np.zeros((0, lag + 1)))


# ------------------------------------------------------------------------------------------ characters

def char_vocab(text: str) -> str:
    """The sorted distinct characters of ``text`` (index = position).

    Examples
    --------
    >>> char_vocab("abracadabra")
    'abcdr'
    """
    if not isinstance(text, str) or len(text) < 2:
        raise ValueError("char_vocab: text must be a string of at least two characters.")
    return "".join(sorted(set(text)))


def encode(text: str, vocab: str) -> np.ndarray:
    """Indices of ``text``'s characters in ``vocab``.

    Examples
    --------
    >>> encode("cab", "abc")
    array([2, 0, 1])
    """
    missing = set(text) - set(vocab)
    if missing:
        raise ValueError(f"encode: characters {sorted(missing)!r} are not in the vocabulary.")
    lookup = {ch: i for i, ch in enumerate(vocab)}
    return np.array([lookup[ch] for ch in text], dtype=np.int64)


class CharModel(NamedTuple):
    """Result of :func:`train_char_model`: parameters, vocabulary, losses and the held-out NLL."""

    kind: str
    params: dict
    vocab: str
    losses: np.ndarray
    valid_nll: float
    unigram_nll: float


def _char_logits(kind: str, X: np.ndarray, params: dict[str, Any], h0=None) -> tuple[ad.Tensor, Any]:
    seq = run(kind, X, {k: params[k] for k in ("W_ih", "W_hh", "b_ih", "b_hh")}, h0)
    steps, n, hidden = seq.hidden.shape
    logits = ad.matmul(ad.reshape(seq.hidden, (steps * n, hidden)), params["W_y"]) + params["b_y"]
    return ad.reshape(logits, (steps, n, params["W_y"].shape[1])), seq


def train_char_model(text: str, *, kind: str = "lstm", hidden: int = 48, seq_len: int = 24, batch: int = 16,
                     steps: int = 300, lr: float = 0.01, clip: float = 1.0, seed: int = 0,
                     valid_fraction: float = 0.1) -> CharModel:
    r"""Train a character-level model :math:`p(x_t \mid x_{<t})` on ``text`` (next-character cross-entropy).

    Parameters
    ----------
    text : str
    kind : {"rnn", "lstm", "gru"}
    hidden, seq_len, batch, steps : int
    lr, clip : float
        Adam's learning rate; the gradient-norm clip.
    seed : int
    valid_fraction : float
        The last part of the text, held out to measure the NLL per character.

    Returns
    -------
    CharModel
        With the held-out mean NLL and the NLL of the unigram (character frequency) model on the same part.

    References
    ----------
    Book: Recurrent networks, "A character-level model" (claim ``recurrent.char-model``).
    """
    kind = _kind(kind, "train_char_model")
    vocab = char_vocab(text)
    ids = encode(text, vocab)
    split = int(len(ids) * (1 - valid_fraction))
    train_ids, valid_ids = ids[:split], ids[split:]
    if len(train_ids) < seq_len + 2 or len(valid_ids) < 2:
        raise ValueError(f"train_char_model: text of {len(text)} characters is too short for seq_len {seq_len}.")
    v = len(vocab)
    params = init_params(kind, v, hidden, seed=seed, forget_bias=1.0 if kind == "lstm" else 0.0)
    rng = np.random.default_rng(seed + 1)
    params["W_y"] = rng.uniform(-1, 1, (hidden, v)) / np.sqrt(hidden)
    params["b_y"] = np.zeros(v)

    def loss_fn(t: dict[str, ad.Tensor]) -> ad.Tensor:
        starts = rng.integers(0, len(train_ids) - seq_len - 1, batch)
        window = np.stack([train_ids[s:s + seq_len + 1] for s in starts], axis=1)    # (seq_len + 1, batch)
        return sequence_nll(_char_logits(kind, one_hot(window[:-1], v), t)[0], window[1:])

    params, losses, _, _ = _adam_train(params, loss_fn, steps, lr, clip)
    valid = sequence_nll(_char_logits(kind, one_hot(valid_ids[:-1, None], v), params)[0], valid_ids[1:, None])
    freq = (np.bincount(train_ids, minlength=v) + 1.0) / (len(train_ids) + v)
    unigram = float(-np.mean(np.log(freq[valid_ids[1:]])))
    return CharModel(kind, params, vocab, np.array(losses), float(valid.value), unigram)


def sample_text(model: CharModel, prime: str, length: int, *, temperature: float = 0.7, seed: int = 0) -> str:
    r"""Sample ``length`` characters after ``prime``: :math:`x_t \sim \mathrm{softmax}(\ell_t / \tau)`.

    Parameters
    ----------
    model : CharModel
    prime : str
        Fed first (its characters must be in the vocabulary).
    length : int
    temperature : float
        :math:`\tau > 0`; lower is more conservative.
    seed : int

    Returns
    -------
    str
        ``prime`` followed by the sampled characters.

    References
    ----------
    Book: Recurrent networks, "A character-level model" (claim ``recurrent.char-model``).
    """
    if not isinstance(model, CharModel):
        raise TypeError(f"sample_text: model must be a CharModel from train_char_model; got {type(model).__name__}.")
    length = _positive_int(length, "length", "sample_text")
    if not temperature > 0:
        raise ValueError(f"sample_text: temperature must be > 0; got {temperature!r}.")
    if not prime:
        raise ValueError("sample_text: prime must be a non-empty string.")
    rng = np.random.default_rng(seed)
    v, p, kind = len(model.vocab), model.params, model.kind
    hidden = p["W_hh"].shape[0]
    k = GATES[kind]
    from mathdl.autodiff import recurrent as rops
    h, c = np.zeros((1, hidden)), np.zeros((1, hidden))
    out = list(prime)
    ids = list(encode(prime, model.vocab))
    for step in range(len(prime) - 1 + length):
        x = one_hot(np.array([ids[step]]), v)
        if kind == "lstm":
            s = rops.lstm_cell(x @ p["W_ih"] + p["b_ih"] + p["b_hh"], h, c, p["W_hh"])
            h, c = s[:, :hidden], s[:, hidden:2 * hidden]
        elif kind == "gru":
            h = rops.gru_cell(x @ p["W_ih"] + p["b_ih"], h, p["W_hh"], p["b_hh"])[:, :hidden]
        else:
            h = np.tanh(x @ p["W_ih"] + p["b_ih"] + p["b_hh"] + h @ p["W_hh"][:, :k * hidden])
        if step >= len(prime) - 1:
            logits = (h @ p["W_y"] + p["b_y"])[0] / temperature
            prob = np.exp(logits - logits.max())
            nxt = int(rng.choice(v, p=prob / prob.sum()))
            ids.append(nxt)
            out.append(model.vocab[nxt])
    return "".join(out)
