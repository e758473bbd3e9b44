"""Mistake Lens runtime tracer: runs a PyTorch script for a bounded number of steps or seconds
and reports the silent shape and mode bugs it sees, at the line of the user's code.

Standard library + torch only; shipped inside the extension and run with the user's interpreter:
    python3 mistake_lens_tracer.py [--steps N] [--time S] script.py [script args...]
    python3 mistake_lens_tracer.py [--steps N] [--time S] --module pkg.train [args...]  (like python -m)
Findings go to a private channel: file descriptor 3 (inherited from the extension or CLI), one
JSON object per line, each prefixed by a per-run nonce that the tracer reads from file descriptor 4
and closes before the script runs (it is never in the environment), so nothing the script prints,
to stdout or to fd 3, carries it. Codes (ML101-ML105) are documented in docs/tracer.md.
"""
import json
import linecache
import math
import os
import runpy
import signal
import sys
import sysconfig
import time
import traceback

CHANNEL_FD = 3
NONCE_FD = 4


def read_nonce():
    """The nonce, read to EOF from fd 4, which is then closed; empty when run by hand (no fd 4)."""
    chunks = []
    try:
        while True:
            chunk = os.read(NONCE_FD, 256)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(NONCE_FD)
    except OSError:
        return ""
    return b"".join(chunks).decode("ascii", "replace").strip()


NONCE = read_nonce()
TRACER_FILE = os.path.abspath(__file__)


def send(msg):
    """One line on the private channel; os.write so it never sits in a buffer when the run is killed."""
    data = ("%s %s\n" % (NONCE, json.dumps(msg, separators=(",", ":")))).encode("utf-8")
    try:
        while data:
            data = data[os.write(CHANNEL_FD, data):]
    except OSError:
        pass  # no channel (run by hand): the exit code still tells success


class Stop(BaseException):
    """Ends the script early (step bound, time limit); BaseException so `except Exception` lets it through."""

    def __init__(self, reason):
        BaseException.__init__(self, reason)
        self.reason = reason


def fatal(reason, message):
    send({"type": "fatal", "reason": reason, "message": message})
    sys.stderr.flush()
    os._exit(3)


def parse_args(argv):
    """(steps, seconds, kind, target, args): kind "script" (a file) or "module" (a dotted name, like -m)."""
    steps, seconds, module, i = 20, 60.0, None, 0
    while i < len(argv) and argv[i].startswith("--"):
        if argv[i] == "--steps":
            steps = int(argv[i + 1])
        elif argv[i] == "--time":
            seconds = float(argv[i + 1])
        elif argv[i] == "--module":
            module = argv[i + 1]
        elif argv[i] == "--":
            i += 1
            break
        else:
            fatal("usage", "unknown tracer option %s" % argv[i])
        i += 2
    if module is not None:
        return steps, seconds, "module", module, argv[i:]
    if i >= len(argv):
        fatal("usage", "no script given")
    return steps, seconds, "script", argv[i], argv[i + 1:]


def module_file(name):
    """The file `python -m name` would run (a package runs its __main__); fatal when there is none.
    Importing the parent packages here runs their __init__ outside the trace, as -m does first."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            spec = importlib.util.find_spec(name + ".__main__")
    except ModuleNotFoundError as e:
        if not (e.name and (name == e.name or name.startswith(e.name + "."))):
            traceback.print_exc()
            fatal("no-module", "importing the packages of %s failed: %s: %s" % (name, type(e).__name__, e))
        spec = None
    except Exception as e:  # the parent package's __init__ raised: the user's code, before the trace starts
        traceback.print_exc()
        fatal("no-module", "importing the packages of %s failed: %s: %s" % (name, type(e).__name__, e))
    if spec is None or not spec.origin or not os.path.isfile(spec.origin):
        fatal("no-module", "no module named %s (or it is a package without __main__) from %s; sys.path: %s"
              % (name, os.getcwd(), os.pathsep.join(sys.path[:4])))
    return os.path.abspath(spec.origin)


# ---------------------------------------------------------------- where in the user's code
def _skip_dirs():
    import torch

    dirs = {os.path.dirname(os.path.abspath(torch.__file__)) + os.sep}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            dirs.add(os.path.abspath(p) + os.sep)
    return tuple(dirs)


SKIP = ()
_user_file_cache = {}


def is_user_file(filename):
    hit = _user_file_cache.get(filename)
    if hit is None:
        path = os.path.abspath(filename)
        hit = not (
            filename.startswith("<")
            or path == TRACER_FILE
            or path.startswith(SKIP)
            or "site-packages" + os.sep in path
            or "dist-packages" + os.sep in path
        )
        _user_file_cache[filename] = hit
    return hit


def utf16_col(line_text, byte_col):
    """co_positions columns are UTF-8 byte offsets; editors count UTF-16 code units."""
    prefix = line_text.encode("utf-8")[:byte_col].decode("utf-8", "ignore")
    return len(prefix.encode("utf-16-le")) // 2


def location(frame):
    """1-based line/column range of the expression the frame is executing (Python 3.11+), else the line."""
    code, line = frame.f_code, frame.f_lineno
    loc = {"file": os.path.abspath(code.co_filename), "line": line}
    text = linecache.getline(code.co_filename, line).rstrip("\n")
    start, end, end_line = None, None, line
    positions = getattr(code, "co_positions", None)
    if positions is not None and frame.f_lasti >= 0:
        try:
            pos = list(positions())[frame.f_lasti // 2]
            if pos[0] == line and pos[2] is not None and pos[3] is not None:
                end_line = pos[1] or line
                end_text = text if end_line == line else linecache.getline(code.co_filename, end_line)
                start, end = utf16_col(text, pos[2]), utf16_col(end_text, pos[3])
        except (IndexError, ValueError):
            pass
    if start is None:
        stripped = text.lstrip()
        start, end, end_line = len(text) - len(stripped), len(text.rstrip()), line
        if end <= start:
            end = start + 1
    loc.update(column=start + 1, endLine=end_line, endColumn=end + 1)
    return loc


def user_frame(frame):
    while frame is not None and not is_user_file(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


# ---------------------------------------------------------------- findings
class Findings:
    def __init__(self):
        self.by_key = {}  # (code, file, line) -> [id, count]

    def add(self, code, loc, message, **extra):
        key = (code, loc["file"], loc["line"])
        hit = self.by_key.get(key)
        if hit is not None:
            hit[1] += 1
            return
        self.by_key[key] = [len(self.by_key), 1]
        msg = {"type": "finding", "id": self.by_key[key][0], "code": code, "message": message}
        msg.update(loc)
        msg.update(extra)
        send(msg)

    def counts(self):
        return {str(i): c for i, c in self.by_key.values()}


def shape(t):
    return list(t.shape)


def fmt(s):
    return "(" + ", ".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


# Binary elementwise operations (function, method and operator names as torch reports them).
ELEMENTWISE = set(
    "add sub subtract mul multiply div divide true_divide floor_divide remainder fmod pow rsub "
    "eq ne lt le gt ge greater less greater_equal less_equal not_equal maximum minimum fmax fmin "
    "atan2 hypot xlogy copysign where logical_and logical_or logical_xor bitwise_and bitwise_or "
    "bitwise_xor lerp addcmul addcdiv".split()
) | {"__%s__" % n for n in "add radd sub rsub mul rmul truediv rtruediv div rdiv floordiv rfloordiv mod rmod "
     "pow rpow and rand or ror xor rxor eq ne lt le gt ge".split()}
OPERATOR = {"add": "+", "sub": "-", "mul": "*", "div": "/", "truediv": "/", "floordiv": "//", "mod": "%",
            "pow": "**", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
            "and": "&", "or": "|", "xor": "^"}
# Losses that compare input and target elementwise (PyTorch broadcasts them when shapes differ).
ELEMENTWISE_LOSSES = {"mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
                      "kl_div", "soft_margin_loss", "poisson_nll_loss"}
# Losses that apply (log-)softmax or sigmoid themselves, and the tag that must not reach them.
LOGIT_LOSSES = {"cross_entropy": "softmax", "nll_loss": "softmax", "binary_cross_entropy_with_logits": "sigmoid"}
PRODUCERS = {"softmax": "softmax", "sigmoid": "sigmoid"}
# Operations that keep the values (a view, a copy, a dtype/device move): a tag survives them.
KEEPS_VALUES = set("view reshape squeeze unsqueeze flatten contiguous to float double half bfloat16 clone "
                   "__getitem__ permute transpose t detach cpu cuda type view_as reshape_as".split())
TAG = "_mistake_lens_tag"
# Set on a tensor whose extra axis was written for broadcasting (x[:, None], x.unsqueeze(1)): an outer
# operation with it (positions, masks, one-hot, pairwise distances) is meant, not a bug. view/reshape
# do not count: `y.view(-1, 1)` is mostly written to match a prediction's shape, and misses it.
AXIS_TAG = "_mistake_lens_axis"
ADDS_AXIS = {"unsqueeze", "__getitem__"}
# Dtype/device moves keep that intent.
KEEPS_AXIS = set("to float double half bfloat16 long int bool contiguous clone detach cpu cuda type".split())
# Allocations without values (nn.Linear's torch.empty before init): whatever the memory held, NaN
# included, is not a result computed from finite inputs.
UNINITIALIZED = {"empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided"}


def op_name(func):
    name = getattr(func, "__name__", "") or ""
    if name == "__get__":
        return ""  # property reads (t.grad, t.shape): not operations
    return name


def display_op(name):
    base = name.strip("_")
    if name.startswith("__") and base.startswith("r") and base[1:] in OPERATOR:
        base = base[1:]
    return OPERATOR.get(base, name) if name.startswith("__") else name


def tensors_in(args, kwargs, torch):
    out = [a for a in args if isinstance(a, torch.Tensor)]
    out += [v for v in kwargs.values() if isinstance(v, torch.Tensor)]
    return out


def storage_ptr(t):
    """Where a tensor's memory starts (views of one tensor share it)."""
    try:
        return t.untyped_storage().data_ptr()  # torch >= 2.0
    except AttributeError:
        return t.storage().data_ptr()


def all_finite(values, torch):
    for v in values:
        if isinstance(v, torch.Tensor):
            if (v.is_floating_point() or v.is_complex()) and not bool(torch.isfinite(v).all()):
                return False
        elif isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                return False
        elif isinstance(v, (list, tuple)):
            if not all_finite(v, torch):
                return False
        elif isinstance(v, dict):
            if not all_finite(list(v.values()), torch):
                return False
    return True


def arg(args, kwargs, i, name):
    return args[i] if len(args) > i else kwargs.get(name)


def make_mode(torch, findings, stats):
    from torch.overrides import TorchFunctionMode

    FUNCTIONAL_SPECS = functional_train_specs(torch)
    FUNCTIONAL_TRAIN = {getattr(f, "__name__", "") for f in FUNCTIONAL_SPECS}
    CALL_IMPL = torch.nn.Module._call_impl.__code__

    class TraceMode(TorchFunctionMode):
        nan_found = False

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            t_in = time.perf_counter()
            name = op_name(func)
            if stats["in_step"]:
                # Inside optimizer.step(): the optimizer's own arithmetic, no user line to point at;
                # its result is checked once per step (check_params).
                return func(*args, **kwargs)
            if name in FUNCTIONAL_TRAIN and not torch.is_grad_enabled():
                self.check_functional_train(func, name, args, kwargs)
            if name in LOGIT_LOSSES:
                self.check_logit_loss(name, args, kwargs)
            elif name in ELEMENTWISE_LOSSES:
                self.check_loss_shapes(name, args, kwargs)
            t_call = time.perf_counter()
            out = func(*args, **kwargs)
            t_back = time.perf_counter()
            if name and isinstance(out, torch.Tensor):
                if name in ELEMENTWISE:
                    self.check_broadcast(name, args, kwargs, out)
                if args and isinstance(args[0], torch.Tensor) and (
                        (name in ADDS_AXIS and out.dim() > args[0].dim())
                        or (name in KEEPS_AXIS and getattr(args[0], AXIS_TAG, False))):
                    try:
                        setattr(out, AXIS_TAG, True)
                    except (AttributeError, RuntimeError):
                        pass
                if name in PRODUCERS:
                    try:
                        setattr(out, TAG, (PRODUCERS[name], self.here()))
                    except (AttributeError, RuntimeError):
                        pass
                elif name in KEEPS_VALUES and args and isinstance(args[0], torch.Tensor):
                    tag = getattr(args[0], TAG, None)
                    if tag is not None and out is not args[0]:
                        try:
                            setattr(out, TAG, tag)
                        except (AttributeError, RuntimeError):
                            pass
                if not self.nan_found and name not in UNINITIALIZED and (out.is_floating_point() or out.is_complex()):
                    self.check_finite(name, func, args, kwargs, out)
            stats["ops"] += 1
            stats["seconds"] += (t_call - t_in) + (time.perf_counter() - t_back)
            return out

        @staticmethod
        def here():
            frame = user_frame(sys._getframe(2))
            return location(frame) if frame is not None else None

        def check_functional_train(self, func, name, args, kwargs):
            spec = FUNCTIONAL_SPECS.get(func)
            if spec is None:
                return
            training = args[spec[0]] if len(args) > spec[0] else kwargs.get(spec[1], spec[2])
            if not training:
                return
            frame = sys._getframe(2)
            while frame is not None and not is_user_file(frame.f_code.co_filename):
                if frame.f_code is CALL_IMPL:
                    return  # inside a library layer (nn.Dropout, nn.BatchNorm1d…): its module hook reports it
                frame = frame.f_back
            if frame is None:
                return
            owner = frame.f_locals.get("self")
            if not isinstance(owner, torch.nn.Module):
                owner = None
            kind = "%s(training=True)" % name
            effect = BATCH_NORM_EFFECT if name == "batch_norm" else DROPOUT_EFFECT
            if owner is not None and owner.training:
                # training=self.training in a module left in training mode: the module case.
                report_train_mode(torch, findings, stats, frame, owner, name, effect, "%s runs here in '%%s'" % name, inner=frame)
                return
            # A flag that does not follow model.eval(): the fix is on this line.
            why = (", although %s is in eval mode: the flag does not follow model.eval(). Pass training=self.training."
                   % type(owner).__name__ if owner is not None
                   else ". Pass training=False (or a flag that is False when evaluating).")
            findings.add("ML105", location(frame),
                         "%s runs without gradients (evaluation): it %s%s" % (kind, effect, why),
                         op=name, shapes=[shape(t) for t in tensors_in(args, kwargs, torch)[:1]])

        def check_broadcast(self, name, args, kwargs, out):
            operands = [t for t in tensors_in(args, kwargs, torch) if t.dim() > 0]
            n_out = out.numel()
            for i, a in enumerate(operands):
                for b in operands[i + 1:]:
                    # Same data in two shapes ((N,) and (N,1)) growing into a bigger result ((N,N)).
                    # Outer operations written on purpose ((N,1)*(1,M)) give both operands the same rank.
                    # An axis added on purpose on either side ([:, None], unsqueeze) means the outer result is wanted.
                    # So does one tensor against a view of itself (x - x.view(-1, 1)): elementwise it would be pointless.
                    if a.dim() != b.dim() and a.numel() == b.numel() > 1 and n_out > a.numel() \
                            and not getattr(a, AXIS_TAG, False) and not getattr(b, AXIS_TAG, False) \
                            and storage_ptr(a) != storage_ptr(b):
                        loc = self.here()
                        if loc is None:
                            return
                        shapes = [shape(t) for t in operands]
                        findings.add(
                            "ML101", loc,
                            "%s broadcasts %s with %s into %s: operands hold %d values each, in different shapes, "
                            "so the result pairs every element of one with every element of the other. Make the shapes equal "
                            "(e.g. squeeze/view one side)." % (display_op(name), fmt(shape(a)), fmt(shape(b)),
                                                               fmt(shape(out)), a.numel()),
                            op=display_op(name), shapes=shapes, resultShape=shape(out))
                        return

        def check_loss_shapes(self, name, args, kwargs):
            inp, target = arg(args, kwargs, 0, "input"), arg(args, kwargs, 1, "target")
            if not (isinstance(inp, torch.Tensor) and isinstance(target, torch.Tensor)) or inp.shape == target.shape:
                return
            loc = self.here()
            if loc is None:
                return
            extra = {}
            try:
                result = list(torch.broadcast_shapes(inp.shape, target.shape))
                grown = " (broadcast to %s)" % fmt(result)
                extra["resultShape"] = result
            except RuntimeError:
                grown = ""
            findings.add(
                "ML102", loc,
                "%s gets input %s and target %s%s: the loss is averaged over mismatched pairs. "
                "Give both the same shape." % (name, fmt(shape(inp)), fmt(shape(target)), grown),
                op=name, shapes=[shape(inp), shape(target)], **extra)

        def check_logit_loss(self, name, args, kwargs):
            inp = arg(args, kwargs, 0, "input")
            tag = getattr(inp, TAG, None) if isinstance(inp, torch.Tensor) else None
            if tag is None or tag[0] != LOGIT_LOSSES[name]:
                return
            loc = self.here()
            if loc is None:
                return
            FIX = {"cross_entropy": "Pass the raw scores (logits).",
                   "nll_loss": "Pass log_softmax(scores) instead.",
                   "binary_cross_entropy_with_logits": "Pass the raw scores (logits)."}
            expects = {"cross_entropy": "logits (it applies log_softmax itself)",
                       "nll_loss": "log-probabilities (log_softmax, not softmax)",
                       "binary_cross_entropy_with_logits": "logits (it applies sigmoid itself)"}[name]
            extra = {"op": name, "shapes": [shape(inp)]}
            where = ""
            if tag[1] is not None:
                extra["related"] = [dict(tag[1], message="%s applied here" % tag[0])]
                where = " (line %d)" % tag[1]["line"]
            findings.add("ML103", loc,
                         "%s receives the output of %s%s but expects %s: training still runs, with weak, "
                         "squashed gradients. %s" % (name, tag[0], where, expects, FIX[name]), **extra)

        def check_params(self, optimizer):
            """After a step: parameters that turned NaN/Inf (a diverging update) are the first non-finite values."""
            if self.nan_found:
                return
            stats["in_step"] += 1  # these checks are the tracer's own ops: not traced
            try:
                self.scan_params(optimizer)
            finally:
                stats["in_step"] -= 1

        def scan_params(self, optimizer):
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.is_floating_point() and not math.isfinite(float(p.detach().sum())) and not bool(torch.isfinite(p).all()):
                        self.nan_found = True
                        loc = self.here()
                        if loc is not None:
                            findings.add("ML104", loc,
                                         "first non-finite values of the run: optimizer step %s turned a %s parameter "
                                         "into NaN/Inf (diverging update: lower the learning rate or clip gradients)."
                                         % (type(optimizer).__name__, fmt(shape(p))),
                                         op="%s.step" % type(optimizer).__name__, shapes=[shape(p)])
                        return

        def check_finite(self, name, func, args, kwargs, out):
            # A finite sum means every element is finite (one NaN/Inf makes the sum NaN/Inf); an
            # overflowing sum is confirmed elementwise.
            if math.isfinite(float(out.sum())) if not out.is_complex() else bool(torch.isfinite(out).all()):
                return
            if bool(torch.isfinite(out).all()) or not all_finite(list(args) + list(kwargs.values()), torch):
                return
            if name in ("log", "log2", "log10") and args and isinstance(args[0], torch.Tensor) \
                    and bool(((args[0] == 0) | (args[0] == 1)).all()):
                return  # log of a 0/1 mask: an additive -inf mask on purpose (attention), not a numeric accident
            self.nan_found = True
            loc = self.here()
            if loc is None:
                self.nan_found = False
                return
            nan = int(torch.isnan(out).sum()) if not out.is_complex() else 0
            inf = int(torch.isinf(out).sum()) if not out.is_complex() else 0
            what = " and ".join(w for w, n in (("%d NaN" % nan, nan), ("%d Inf" % inf, inf)) if n) or "non-finite values"
            findings.add("ML104", loc,
                         "first non-finite values of the run: %s produced %s in a %s result from finite inputs."
                         % (display_op(name) or "an operation", what, fmt(shape(out))),
                         op=display_op(name), shapes=[shape(t) for t in tensors_in(args, kwargs, torch)],
                         resultShape=shape(out))

    return TraceMode


# ---------------------------------------------------------------- train-mode layers without gradients
DROPOUT_EFFECT = "drops activations at random, so results change from run to run"
BATCH_NORM_EFFECT = "normalizes with batch statistics and overwrites its running mean/var with this data"


def report_train_mode(torch, findings, state, frame, module, kind, effect, related_message, inner=None):
    """ML105 for a layer that runs in training mode without gradients (`module` is the layer, or the
    user's module whose forward calls a functional dropout/batch norm with training=self.training).
    The fix goes where the model is called without gradients: the outermost module call in user code;
    the line inside forward() where the layer runs (`inner` when the caller knows it) is the related location."""
    call_impl = torch.nn.Module._call_impl.__code__
    outer, root, outermost_call = None, None, None
    while frame is not None:
        if frame.f_code is call_impl:
            root = frame.f_locals.get("self", root)
            outermost_call = frame
            caller = user_frame(frame.f_back)
            if caller is not None:
                outer = caller
                inner = inner or caller
            frame = caller
            continue
        frame = frame.f_back
    if outer is None or called_by_library(outermost_call):
        return
    loc = location(outer)
    # (outermost forward number, place): one count per model call, whichever layers run in it
    key = (state["forwards"], loc["file"], loc["line"])
    if key in state["reported"]:
        return
    state["reported"].add(key)
    name = next((n for n, m in root.named_modules() if m is module), "") if root is not None else ""
    what = type(module).__name__
    extra = {"op": kind, "module": name or what}
    if inner is not None and inner is not outer:
        extra["related"] = [dict(location(inner), message=related_message % (name or what))]
    findings.add("ML105", loc,
                 "runs without gradients (evaluation) while %s '%s' is in training mode: %s %s. "
                 "Call model.eval() before evaluating (and model.train() after)."
                 % (what, name or what, "it" if kind == what else "its %s" % kind, effect),
                 **extra)


def called_by_library(call_frame):
    """True when the outermost model call comes from library code (update_bn, a trainer), not the user's line."""
    if call_frame is None:
        return False
    caller = call_frame.f_back
    while caller is not None and caller.f_code.co_name == "_wrapped_call_impl":  # torch >= 2.0
        caller = caller.f_back
    return caller is not None and not is_user_file(caller.f_code.co_filename)


def functional_train_specs(torch):
    """Functional dropout / batch norm: function -> (index, keyword, default) of the training flag."""
    F = torch.nn.functional
    specs = {}
    for mod, names, idx, kw, default in (
            (F, ("dropout", "dropout1d", "dropout2d", "dropout3d"), 2, "training", True),
            (F, ("alpha_dropout", "feature_alpha_dropout"), 2, "training", False),
            (torch, ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"), 2, "train", None),
            (F, ("batch_norm",), 5, "training", False),
            (torch, ("batch_norm",), 5, "training", None)):
        for n in names:
            f = getattr(mod, n, None)
            if f is not None:
                specs[f] = (idx, kw, default)
    return specs


def install_module_hooks(torch, findings, state):
    from torch.nn.modules.batchnorm import _BatchNorm
    from torch.nn.modules.dropout import _DropoutNd
    from torch.nn.modules import module as module_mod

    def pre_hook(module, inputs):
        if state["depth"] == 0:
            state["forwards"] += 1
            if state["steps"] == 0 and state["forwards"] > state["max_steps"]:
                raise Stop("steps")
        state["depth"] += 1
        if module.training and not torch.is_grad_enabled() and isinstance(module, (_DropoutNd, _BatchNorm)):
            t0 = time.perf_counter()
            kind = type(module).__name__
            report_train_mode(torch, findings, state, sys._getframe(1), module, kind,
                              DROPOUT_EFFECT if isinstance(module, _DropoutNd) else BATCH_NORM_EFFECT,
                              "%s '%%s' runs here" % kind)
            state["seconds"] += time.perf_counter() - t0

    def post_hook(module, inputs, output):
        state["depth"] = max(0, state["depth"] - 1)

    module_mod.register_module_forward_pre_hook(pre_hook)
    module_mod.register_module_forward_hook(post_hook)


def install_step_bound(torch, state, mode):
    """Counts optimizer steps; stops the script after the configured number."""
    import torch.optim.optimizer as optimizer_mod

    pre = getattr(optimizer_mod, "register_optimizer_step_pre_hook", None)
    post = getattr(optimizer_mod, "register_optimizer_step_post_hook", None)

    def after_step(optimizer, *_):
        state["steps"] += 1
        state["depth"] = 0
        mode.check_params(optimizer)
        if state["steps"] >= state["max_steps"]:
            raise Stop("steps")

    if pre is not None and post is not None:  # torch >= 2.0
        def before(*_):
            state["in_step"] += 1

        def after(optimizer, *_):
            state["in_step"] = max(0, state["in_step"] - 1)
            if state["in_step"] == 0:
                after_step(optimizer)

        pre(before)
        post(after)
        return
    # torch < 2.0: wrap each optimizer class's step the first time one is built.
    base_init = torch.optim.Optimizer.__init__

    def init(self, *a, **k):
        base_init(self, *a, **k)
        cls = type(self)
        if "_mistake_lens_step" not in cls.__dict__:
            inner = cls.step

            def step(opt, *sa, **sk):
                state["in_step"] += 1
                try:
                    result = inner(opt, *sa, **sk)
                finally:
                    state["in_step"] -= 1
                if state["in_step"] == 0:
                    after_step(opt)
                return result

            step.__wrapped__ = inner
            cls.step = step
            cls._mistake_lens_step = True

    torch.optim.Optimizer.__init__ = init


def install_warning_location():
    """torch warns with stacklevel=2, which lands on the tracer's own call line: show the user's line instead."""
    import warnings

    original = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if os.path.abspath(filename) == TRACER_FILE:
            frame = user_frame(sys._getframe(1))
            if frame is not None:
                filename, lineno, line = frame.f_code.co_filename, frame.f_lineno, None
        return original(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


# ---------------------------------------------------------------- main
def main():
    global SKIP
    max_steps, seconds, kind, target, script_args = parse_args(sys.argv[1:])
    if kind == "script":
        script = os.path.abspath(target)
        if not os.path.isfile(script):
            fatal("no-script", "cannot read %s" % script)
    try:
        import torch
    except ImportError as e:
        fatal("no-torch", "%s cannot import torch (%s)" % (sys.executable, e))
    try:
        from torch.overrides import TorchFunctionMode  # noqa: F401  (torch >= 1.13)
    except ImportError:
        fatal("old-torch", "torch %s is too old for the tracer (needs 1.13 or newer)" % torch.__version__)
    SKIP = _skip_dirs()
    # The tracer's own folder (sys.path[0] as Python started it) is not the user's.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(TRACER_FILE)]
    if kind == "module":
        # As `python -m`: the working directory first on sys.path, the module found from there.
        sys.path.insert(0, os.getcwd())
        script = module_file(target)
    send({"type": "start", "python": sys.version.split()[0], "executable": sys.executable,
          "torch": torch.__version__, "maxSteps": max_steps, "timeLimit": seconds, "script": script})

    findings = Findings()
    state = {"steps": 0, "forwards": 0, "depth": 0, "max_steps": max_steps, "in_step": 0, "seconds": 0.0, "ops": 0,
             "reported": set()}
    mode = make_mode(torch, findings, state)()
    install_step_bound(torch, state, mode)
    install_module_hooks(torch, findings, state)

    def on_alarm(signum, frame):
        raise Stop("time")

    if seconds > 0:
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    install_warning_location()
    sys.argv = [script] + script_args
    if kind == "script":
        sys.path.insert(0, os.path.dirname(script))
    stopped, error, exit_code = "end", None, 0
    started = time.perf_counter()
    try:
        with mode:
            if kind == "module":
                runpy.run_module(target, run_name="__main__", alter_sys=True)
            else:
                runpy.run_path(script, run_name="__main__")
    except Stop as s:
        stopped = s.reason
    except SystemExit as e:
        exit_code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        stopped = "end" if exit_code == 0 else "error"
        if exit_code:
            error = {"type": "SystemExit", "message": "exit code %s" % exit_code}
            if e.code is not None and not isinstance(e.code, int):
                print(e.code, file=sys.stderr)  # what Python itself prints for sys.exit("message")
                error["message"] = str(e.code)
    except BaseException as e:  # the script's own exception: reported, not the tracer's failure
        stopped = "error"
        tb = e.__traceback__
        where = None
        while tb is not None:
            if is_user_file(tb.tb_frame.f_code.co_filename):
                where = tb
            tb = tb.tb_next
        error = {"type": type(e).__name__, "message": str(e)}
        if where is not None:
            error.update(file=os.path.abspath(where.tb_frame.f_code.co_filename), line=where.tb_lineno)
        traceback.print_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    wall = time.perf_counter() - started
    done = {"type": "done", "stoppedBy": stopped, "steps": state["steps"], "forwards": state["forwards"],
            "counts": findings.counts(), "wallSeconds": round(wall, 4),
            "overhead": {"ops": state["ops"], "tracerSeconds": round(state["seconds"], 4)}}
    if error is not None:
        done["error"] = error
    send(done)
    sys.stdout.flush()
    sys.stderr.flush()
    # Not sys.exit: the script's non-daemon threads or DataLoader workers must not keep the run alive.
    os._exit(0)


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a tracer bug, not the script's: say so instead of a silent empty run
        fatal("internal", "tracer failed: %s" % traceback.format_exc(limit=-3).strip().replace("\n", " | "))
