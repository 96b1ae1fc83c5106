"""Live sandboxes: a learner's program and plant, stepped on request, state in the cache.

A sandbox is the engine's snapshot (runtime and plant) stored in the Django cache (Redis in
production) under a random id, with its owner. Any web process can serve any step: it loads
the snapshot, applies the requested inputs, advances PLC time, stores the new snapshot.
Compiled programs are kept per process by source hash (compiling is the expensive part) and
the source itself is kept in the cache so another process can compile it again.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from labs.engine import AccessError, CompileError, Program, Runtime, compile_program
from labs.engine.plants import PLANTS, PlantError, create_plant
from labs.engine.plants.simulation import PlantSimulation

KEY = "labs:sandbox:{}"
STEP_TOKEN_SALT = "labs.sandbox.step"  # noqa: S105 (a signing salt, not a secret)
SOURCE_KEY = "labs:source:{}"
USER_KEY = "labs:user-sandboxes:{}"
OPS = frozenset(
    {
        "press",
        "release",
        "operate",
        "force",
        "unforce",
        "write",
        "fault",
        "clear_fault",
        "cold_restart",
        "warm_restart",
        "stop",
        "start",
    }
)
MAX_ACTIONS = 50
MAX_WATCH = 32


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


class SandboxError(Exception):
    """A refused sandbox request; ``message`` is translated, ``status`` the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ProgramRejected(Exception):
    """The program does not compile; ``diagnostics`` are the engine's."""

    def __init__(self, diagnostics: list) -> None:
        super().__init__(f"{len(diagnostics)} compile error(s)")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Owner:
    """Who may step a sandbox and which lab it belongs to."""

    user_id: int
    lesson_page_id: int
    block_id: str


# -- compiled programs --------------------------------------------------------------------------

_programs: OrderedDict[str, Program | CompileError] = OrderedDict()
_programs_lock = threading.Lock()


def source_key(plant: str, source: str) -> str:
    """The cache key of a program: sha256 of the plant name and the source."""
    return hashlib.sha256(f"{plant}\0{source}".encode()).hexdigest()


def compile_cached(plant: str, source: str) -> Program:
    """Compile ``source`` with the plant's I/O, reusing this process's earlier compilation.

    Raises :class:`ProgramRejected` when it does not compile (also remembered).
    """
    key = source_key(plant, source)
    with _programs_lock:
        hit = _programs.get(key)
        if hit is not None:
            _programs.move_to_end(key)
    if hit is None:
        try:
            hit = compile_program(source, io=create_plant(plant).io_points())
        except CompileError as exc:
            hit = exc
        with _programs_lock:
            _programs[key] = hit
            while len(_programs) > _setting("LABS_COMPILED_CACHE_SIZE", 256):
                _programs.popitem(last=False)
    if isinstance(hit, CompileError):
        raise ProgramRejected(hit.diagnostics)
    return hit


# -- life cycle ---------------------------------------------------------------------------------


def sandbox_create(owner: Owner, plant: str, source: str, *, allow_faults: bool) -> str:
    """A new sandbox for ``owner`` running ``source`` on ``plant``; returns its id.

    Raises ProgramRejected when the program does not compile, SandboxError when too big.
    """
    if plant not in PLANTS:
        raise SandboxError("plant", _("This lab's plant does not exist."))
    limit = _setting("LABS_MAX_SOURCE_CHARS", 100_000)
    if len(source) > limit:
        raise SandboxError(
            "too_big",
            _("The program is too long (%(n)d characters; at most %(limit)d).")
            % {"n": len(source), "limit": limit},
            413,
        )
    program = compile_cached(plant, source)
    key = source_key(plant, source)
    ttl = _setting("LABS_SANDBOX_TTL", 1800)
    cache.set(SOURCE_KEY.format(key), source, ttl)
    runtime = Runtime(program, scan_ms=10)
    sim = PlantSimulation(runtime, create_plant(plant))
    sandbox_id = secrets.token_urlsafe(16)
    state = {
        "owner": [owner.user_id, owner.lesson_page_id, owner.block_id],
        "plant": plant,
        "source_key": key,
        "allow_faults": allow_faults,
        "snap": sim.snapshot(),
    }
    _store(sandbox_id, state, ttl)
    _remember(owner.user_id, sandbox_id, ttl)
    return sandbox_id


def _store(sandbox_id: str, state: dict[str, Any], ttl: int, expected: str = "") -> str | None:
    """Write the sandbox with a fresh revision; returns the revision.

    With ``expected`` (only on a cache offering ``set_if_revision``, i.e. Redis) the write
    happens only if the stored revision is still ``expected``; otherwise nothing is written
    and None is returned, with the state now stored left in ``state["current"]``.
    """
    rev = secrets.token_hex(8)
    state["rev"] = rev
    if _compare_and_set():
        written, current = cache.set_if_revision(KEY.format(sandbox_id), expected, state, rev, ttl)
        if not written:
            state["current"] = current
            return None
    else:
        cache.set(KEY.format(sandbox_id), state, ttl)
    return rev


def _compare_and_set() -> bool:
    """True when the cache stores a step in one round trip (``labs.cache.RedisCache``)."""
    return callable(getattr(cache, "set_if_revision", None))


# Simulations this process stepped last, by sandbox id, with the revision they were stored
# under: when the cache still holds that revision, the in-memory copy is the same state and
# rebuilding the runtime and plant from the snapshot can be skipped. Any other process's
# write changes the revision, so correctness never depends on which process serves a step.
_hot: OrderedDict[str, tuple[str, PlantSimulation, dict[str, Any]]] = OrderedDict()
_hot_lock = threading.Lock()


def _hot_put(sandbox_id: str, rev: str, sim: PlantSimulation, meta: dict[str, Any]) -> None:
    with _hot_lock:
        _hot[sandbox_id] = (rev, sim, meta)
        _hot.move_to_end(sandbox_id)
        while len(_hot) > _setting("LABS_HOT_SANDBOXES", 2000):
            _hot.popitem(last=False)


def _hot_take(sandbox_id: str) -> tuple[str, PlantSimulation, dict[str, Any]] | None:
    with _hot_lock:
        return _hot.pop(sandbox_id, None)


def _remember(user_id: int, sandbox_id: str, ttl: int) -> None:
    """Keep at most LABS_MAX_SANDBOXES_PER_USER live sandboxes per learner (oldest dropped)."""
    key = USER_KEY.format(user_id)
    ids = [*(cache.get(key) or []), sandbox_id]
    keep = _setting("LABS_MAX_SANDBOXES_PER_USER", 4)
    for old in ids[:-keep]:
        cache.delete(KEY.format(old))
    cache.set(key, ids[-keep:], ttl)


def _check_id(sandbox_id: Any) -> None:
    if not isinstance(sandbox_id, str) or not 8 <= len(sandbox_id) <= 64:
        raise SandboxError("invalid", _("This is not a sandbox id."), 400)


def _load(user_id: int, sandbox_id: Any) -> dict[str, Any]:
    _check_id(sandbox_id)
    get = getattr(cache, "get_latest", None) or cache.get  # labs.cache.RedisCache: own connection
    return _owned(user_id, get(KEY.format(sandbox_id)))


def _owned(user_id: int, state: dict[str, Any] | None) -> dict[str, Any]:
    """``state`` when it exists and belongs to ``user_id``; else the stale-sandbox refusal."""
    if state is None:
        raise SandboxError(
            "stale",
            _("This sandbox has expired or was replaced. Press Reset to start a new one."),
            410,
        )
    if state["owner"][0] != user_id:
        # the same answer as a missing sandbox: ids of others are not confirmed
        raise SandboxError("stale", _("This sandbox is not yours or has expired."), 410)
    return state


def sandbox_delete(user_id: int, sandbox_id: str) -> None:
    """Forget the sandbox (no error when it is already gone)."""
    try:
        _load(user_id, sandbox_id)
    except SandboxError:
        return
    cache.delete(KEY.format(sandbox_id))


def _program_for(state: dict[str, Any]) -> Program:
    """The compiled program of a sandbox: from this process's cache, else compiled again."""
    with _programs_lock:
        hit = _programs.get(state["source_key"])
    if isinstance(hit, Program):
        return hit
    return compile_cached(state["plant"], _source(state["source_key"]))


def _restore(state: dict[str, Any]) -> tuple[PlantSimulation, Program]:
    try:
        program = _program_for(state)
    except ProgramRejected as exc:  # cannot happen for a source that compiled before
        raise SandboxError("stale", _("The sandbox's program is no longer valid."), 410) from exc
    try:
        sim = PlantSimulation.restore(program, state["snap"])
    except (KeyError, TypeError, ValueError) as exc:
        # a snapshot this version cannot read (older format, damaged entry): start again
        raise SandboxError(
            "stale", _("This sandbox cannot be continued. Press Reset to start a new one."), 410
        ) from exc
    sim.resync()
    return sim, program


def _source(key: str) -> str:
    source = cache.get(SOURCE_KEY.format(key))
    if source is None:
        raise SandboxError("stale", _("This sandbox has expired. Press Reset."), 410)
    return source


# -- step tokens --------------------------------------------------------------------------------
#
# A page that created a sandbox (through the whole middleware stack: session, CSRF, the MFA
# rule) receives a step token naming the learner and that one sandbox, signed with the site's
# SECRET_KEY. Steps that carry it in the X-Sandbox-Token header need no session, user or CSRF
# lookup (a header is never sent by the browser on its own, so there is nothing to forge across
# sites); lms.wsgi serves them on a lean handler (labs.stepserver). The token only ever steps
# the sandbox it names, which must still belong to the same learner.


def step_token(user_id: int, sandbox_id: str) -> str:
    """A signed token that lets ``user_id`` step ``sandbox_id`` without a session."""
    value = f"{user_id}.{sandbox_id}.{int(time.time())}"
    return signing.Signer(salt=STEP_TOKEN_SALT).sign(value)


# Tokens whose signature this process has checked: token -> (user id, sandbox id, issued at).
# A signature stays valid, so a running page's next steps only look the token up; its age is
# checked on every step. Bounded: emptied when full (a page's next step checks it again).
_verified: dict[str, tuple[int, str, int]] = {}
_VERIFIED_MAX = 20_000


def step_token_user(token: Any, sandbox_id: Any) -> int:
    """The learner a step token was issued to, if it is genuine, fresh and for ``sandbox_id``.

    Raises SandboxError (401, code "token") otherwise; the page then steps once through its
    session, which answers a fresh token.
    """
    found = _verified.get(token) if isinstance(token, str) else None
    if found is None:
        found = _verify_step_token(token)
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[token] = found
    user_id, for_sandbox, issued = found
    if for_sandbox != sandbox_id:
        raise _token_refused()
    if time.time() - issued > _setting("LABS_STEP_TOKEN_MAX_AGE", 8 * 3600):
        raise SandboxError("token", _("The lab's step token has expired; the page renews it."), 401)
    return user_id


def _token_refused() -> SandboxError:
    return SandboxError("token", _("The lab's step token is not valid."), 401)


def _verify_step_token(token: Any) -> tuple[int, str, int]:
    if not isinstance(token, str) or len(token) > 200:
        raise _token_refused()
    try:
        value = signing.Signer(salt=STEP_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        raise _token_refused() from None
    user_id, _sep, rest = value.partition(".")
    for_sandbox, _sep, issued = rest.rpartition(".")
    return int(user_id), for_sandbox, int(issued)


def sandbox_forget_user(user_id: int) -> None:
    """Delete every live sandbox of ``user_id`` (at logout: their step tokens then lead nowhere)."""
    key = USER_KEY.format(user_id)
    ids = cache.get(key) or []
    if ids:
        cache.delete_many([KEY.format(sandbox_id) for sandbox_id in ids])
    cache.delete(key)
    with _hot_lock:
        for sandbox_id in ids:
            _hot.pop(sandbox_id, None)


# -- stepping -----------------------------------------------------------------------------------


def _bad(message: str) -> SandboxError:
    return SandboxError("bad_request", message, 400)


def parse_step(data: Any) -> tuple[list[dict[str, Any]], int, list[str]]:
    """Validate a step request body: (actions, advance_ms, watch); SandboxError if malformed."""
    if not isinstance(data, dict):
        raise _bad(_("The request must be a JSON object."))
    actions = data.get("actions", [])
    if not isinstance(actions, list) or len(actions) > MAX_ACTIONS:
        raise _bad(_("'actions' must be a list of at most %(n)d actions.") % {"n": MAX_ACTIONS})
    for action in actions:
        if not isinstance(action, dict) or action.get("op") not in OPS:
            raise _bad(_("Unknown action: %(action)s.") % {"action": str(action)[:80]})
        for key in ("name", "kind", "target"):
            if key in action and (not isinstance(action[key], str) or len(action[key]) > 80):
                raise _bad(_("'%(key)s' must be a short text.") % {"key": key})
        if "value" in action and not isinstance(action["value"], bool | int | float | str):
            raise _bad(_("'value' must be a number, a boolean or a text."))
    advance = data.get("advance_ms", 0)
    max_advance = _setting("LABS_MAX_ADVANCE_MS", 1000)
    if isinstance(advance, bool) or not isinstance(advance, int) or not 0 <= advance <= max_advance:
        raise _bad(
            _("'advance_ms' must be a whole number from 0 to %(max)d.") % {"max": max_advance}
        )
    watch = data.get("watch", [])
    if (
        not isinstance(watch, list)
        or len(watch) > MAX_WATCH
        or not all(isinstance(w, str) and 0 < len(w) <= 80 for w in watch)
    ):
        raise _bad(_("'watch' must be a list of at most %(n)d names.") % {"n": MAX_WATCH})
    return actions, advance, watch


def _apply(sim: PlantSimulation, action: dict[str, Any], allow_faults: bool) -> None:
    op = action["op"]
    rt, plant = sim.runtime, sim.plant
    name = action.get("name", "")
    if op == "press":
        plant.press(name)
    elif op == "release":
        plant.release(name)
    elif op == "operate":
        plant.operate(name, bool(action.get("value")))
    elif op == "force":
        rt.force(name, action.get("value"))
    elif op == "unforce":
        rt.unforce(name)
    elif op == "write":
        rt.write(name, action.get("value"))
    elif op in ("fault", "clear_fault"):
        if not allow_faults:
            raise _bad(_("This lab does not allow fault injection."))
        if op == "fault":
            plant.inject(action.get("kind", ""), action.get("target", ""))
        else:
            plant.clear_fault(action.get("target") or None)
    elif op == "cold_restart":
        rt.cold_restart()
        plant.reset()
        sim.resync()
    elif op == "warm_restart":
        rt.warm_restart()
        sim.resync()
    elif op == "stop":
        rt.stop()
    elif op == "start":
        rt.start()


def sandbox_step(user_id: int, sandbox_id: Any, data: Any, *, lang: str = "en") -> dict[str, Any]:
    """Apply the request's actions, advance PLC time, return the new values.

    Raises SandboxError for a malformed request, a stale or foreign sandbox, or an action the
    plant or PLC refuses (unknown I/O name, bad value...).
    """
    actions, advance, watch = parse_step(data)
    _check_id(sandbox_id)
    ttl = _setting("LABS_SANDBOX_TTL", 1800)
    # taken out of the hot table while in use: a failure below leaves no half-stepped copy
    hot = _hot_take(sandbox_id)
    if hot is not None and hot[2]["owner"][0] == user_id and _compare_and_set():
        # One round trip: step the in-memory copy, then store it only if the cache still
        # holds the revision it was stored under. Otherwise the answer carries the state
        # another process wrote (or None when expired) and the step is done again from it.
        rev, sim, meta = hot
        _step(sim, actions, advance, meta, lang)
        state = {**meta, "snap": sim.snapshot()}
        new_rev = _store(sandbox_id, state, ttl, expected=rev)
        if new_rev is not None:
            _hot_put(sandbox_id, new_rev, sim, meta)
            return sandbox_view(sim, watch, lang)
        state, hot = _owned(user_id, state["current"]), None  # the copy was stepped: drop it
    else:
        state = _load(user_id, sandbox_id)
    if hot is not None and state.get("rev") == hot[0] and hot[2]["owner"][0] == user_id:
        _rev, sim, meta = hot
    else:
        sim, _program = _restore(state)
        meta = {k: v for k, v in state.items() if k not in ("snap", "rev")}
    _step(sim, actions, advance, meta, lang)
    state = {**meta, "snap": sim.snapshot()}
    new_rev = _store(sandbox_id, state, ttl)
    _hot_put(sandbox_id, new_rev, sim, meta)
    return sandbox_view(sim, watch, lang)


def _step(
    sim: PlantSimulation, actions: list[dict[str, Any]], advance: int, meta: dict, lang: str
) -> None:
    for action in actions:
        try:
            _apply(sim, action, meta["allow_faults"])
        except PlantError as exc:
            raise _bad(exc.message(lang)) from exc
        except AccessError as exc:
            raise _bad(exc.message(lang)) from exc
        except (TypeError, ValueError) as exc:
            raise _bad(_("Bad value in %(action)s.") % {"action": str(action)[:80]}) from exc
    sim.run_for(advance)


def sandbox_view(sim: PlantSimulation, watch: list[str], lang: str) -> dict[str, Any]:
    """What the page shows: PLC status and fault, plant view, process image, watched values."""
    rt = sim.runtime
    values: dict[str, Any] = {}
    for name in watch:
        try:
            values[name] = rt.read(name)
        except AccessError as exc:
            values[name] = {"error": exc.message(lang)}
    fault = rt.fault
    return {
        "t_ms": rt.clock_ms,
        "status": rt.status,
        "fault": None if fault is None else fault.to_dict(lang),
        "plant": sim.plant.view(),
        "image": rt.image(),
        "forced": {str(k): v for k, v in rt.forced.items()},
        "watch": values,
    }


def sandbox_state(user_id: int, sandbox_id: Any, *, lang: str = "en") -> dict[str, Any]:
    """The current values without stepping (after a page reload)."""
    state = _load(user_id, sandbox_id)
    sim, _program = _restore(state)
    return sandbox_view(sim, [], lang)
