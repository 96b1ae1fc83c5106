"""A PLC runtime wired to a plant: the plant's sensors feed the input image, outputs drive it."""

from __future__ import annotations

from typing import Any

from .base import Plant


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
        # what the PLC saw and produced in the last scan, by I/O name (cheap to read in checks)
        self.inputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {name: None for name, _ in self._outputs}

    @property
    def clock_ms(self) -> int:
        """The PLC clock: the time of the next scan."""
        return self.runtime.clock_ms

    def step(self) -> None:
        """One base tick of PLC and plant."""
        rt = self.runtime
        values = self.plant.input_values()
        written = self._written
        for name, address in self._inputs:
            value = values[name]
            if address not in written or written[address] != value:
                rt.set_input(address, value)
                written[address] = value
        self.inputs = values
        rt.scan()
        get = rt.get_output
        outputs = self.outputs
        for name, address in self._outputs:
            outputs[name] = get(address)
        self.plant.step(self.scan_ms, outputs)

    def run_for(self, ms: int) -> None:
        """Tick until ``ms`` of PLC time have passed."""
        for _ in range(max(0, ms) // self.scan_ms):
            self.step()

    def resync(self) -> None:
        """Forget what was written so the next tick rewrites every input (after a restart)."""
        self._written.clear()
