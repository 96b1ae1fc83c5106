"""A PLC runtime wired to a plant: the plant's sensors feed the input image, outputs drive it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from operator import itemgetter
from typing import Any

from .base import Plant

_UNSET = object()


def output_reader(runtime: Any, addresses: list[str]) -> Callable[[], list[Any]]:
    """A function returning the output image values at ``addresses``, in order, after a scan.

    ``Runtime.get_output`` parses its address on every call, and one call per output per scan
    was most of the grading time. When the runtime has its output list and the program its
    address index (``labs.engine`` does), read them directly; otherwise use the public API.
    ``tests/labs/plants/test_simulation.py`` keeps both paths equal.
    """
    read = _output_values(runtime, addresses)
    return lambda: list(read())


def _output_values(runtime: Any, addresses: list[str]) -> Callable[[], Sequence[Any]]:
    """Like :func:`output_reader`, as a tuple built without a Python frame on the fast path."""
    index = getattr(getattr(runtime, "program", None), "output_index", None)
    values = getattr(runtime, "_out", None)
    if isinstance(index, dict) and isinstance(values, list) and all(a in index for a in addresses):
        positions = [index[a] for a in addresses]
        if len(positions) > 1:
            return partial(itemgetter(*positions), values)
        return lambda: tuple(values[i] for i in positions)
    get = runtime.get_output
    return lambda: [get(a) for a in addresses]


def _outputs_compare_exactly(runtime: Any, addresses: list[str]) -> bool:
    """True when equal output values are the same values (no REAL: 0.0 == -0.0).

    Then an output tuple equal to the last one needs no copying at all.
    """
    from labs.engine import types as T

    program = getattr(runtime, "program", None)
    index = getattr(program, "output_index", None)
    outputs = getattr(program, "outputs", None)
    if not isinstance(index, dict) or outputs is None or not all(a in index for a in addresses):
        return False
    kinds = {T.kind_of(outputs[index[a]][1].type) for a in addresses}
    return kinds <= {"bool", "int", "bit"}


def input_setter(runtime: Any, address: str) -> Callable[[Any], None]:
    """A function writing the input image at ``address``, like ``runtime.set_input``.

    The engine's runtime resolves the address once (``Runtime.input_setter``); any other
    runtime is written through its public ``set_input``.
    """
    make = getattr(runtime, "input_setter", None)
    if make is not None:
        return make(address)
    set_input = runtime.set_input
    return lambda value: set_input(address, value)


class PlantSimulation:
    """Steps a :class:`labs.engine.Runtime` and a :class:`Plant` together, one base tick at a time.

    Order within one tick at clock ``t``: the plant's current sensor values are copied to the
    input image, the PLC scans at ``t``, then the plant moves for one tick under the outputs of
    that scan. Only inputs whose value changed are written, which keeps a tick cheap.
    """

    def __init__(self, runtime: Any, plant: Plant) -> None:
        self.runtime = runtime
        self.plant = plant
        self.scan_ms = runtime.scan_ms if hasattr(runtime, "scan_ms") else 10
        self._inputs = [(p.name, p.address) for p in plant.inputs_io]
        self._outputs = [(p.name, p.address) for p in plant.outputs_io]
        self._written: dict[str, Any] = {}
        self._setters = [
            (name, address, input_setter(runtime, address)) for name, address in self._inputs
        ]
        self._read_outputs = _output_values(runtime, [address for _, address in self._outputs])
        self._output_names = [name for name, _ in self._outputs]
        self._outputs_exact = _outputs_compare_exactly(
            runtime, [address for _, address in self._outputs]
        )
        self._last_outputs: Sequence[Any] | None = None
        # Plant.input_values merges sensors, panel and input faults into a new dict every call;
        # when none of them changed since the last tick there is nothing to write, so the merge
        # is skipped (a plant that computes its inputs another way is always asked).
        self._seen: tuple[dict, dict, dict] | None = None
        self._merge_known = type(plant).input_values is Plant.input_values
        # What the PLC saw and produced in the last scan, by I/O name (cheap to read in checks).
        # Both dicts are updated in place, so a check may bind them once.
        self.inputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {name: None for name, _ in self._outputs}

    @property
    def clock_ms(self) -> int:
        """The PLC clock: the time of the next scan."""
        return self.runtime.clock_ms

    def step(self) -> None:
        """One base tick of PLC and plant."""
        plant = self.plant
        seen = self._seen
        if (
            seen is None
            or plant.sensors != seen[0]
            or plant.panel != seen[1]
            or plant.faults.inputs != seen[2]
            or not self._merge_known
        ):
            self._write_inputs()
        self.runtime.scan()
        outputs = self.outputs
        values = self._read_outputs()
        if values != self._last_outputs or not self._outputs_exact:
            outputs.update(zip(self._output_names, values, strict=True))
            self._last_outputs = values
        plant.step(self.scan_ms, outputs)

    def _write_inputs(self) -> None:
        plant = self.plant
        values = plant.input_values()
        inputs = self.inputs
        if values != inputs:
            written = self._written
            for name, address, set_input in self._setters:
                value = values[name]
                if written.get(address, _UNSET) != value:
                    set_input(value)
                    written[address] = value
            inputs.update(values)
        self._seen = (dict(plant.sensors), dict(plant.panel), dict(plant.faults.inputs))

    def run_for(self, ms: int) -> None:
        """Tick until ``ms`` of PLC time have passed."""
        for _ in range(max(0, ms) // self.scan_ms):
            self.step()

    def snapshot(self) -> dict[str, Any]:
        """PLC and plant state as JSON-compatible data, to pause here and resume elsewhere."""
        return {"runtime": self.runtime.snapshot(), "plant": self.plant.snapshot()}

    @classmethod
    def restore(cls, program: Any, snap: dict[str, Any]) -> PlantSimulation:
        """A simulation that continues exactly like the one ``snap`` was taken from."""
        from labs.engine import Runtime

        from . import PLANTS

        runtime = Runtime.restore(program, snap["runtime"])
        plant = PLANTS[snap["plant"]["plant"]].restore(snap["plant"])
        return cls(runtime, plant)

    def resync(self) -> None:
        """Forget what was written so the next tick rewrites every input (after a restart)."""
        self._written.clear()
        self._seen = None
        self.inputs.clear()
