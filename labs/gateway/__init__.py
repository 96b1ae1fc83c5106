"""Protocol access to running PLC sandboxes: Modbus TCP (pymodbus) and OPC UA (asyncua).

Outside ``labs.engine`` on purpose: the engine stays free of network libraries. ``sandbox``
runs a program (and plant) in real time, ``modbus`` and ``opcua`` expose it, ``cli`` is the
``serve`` command.
"""
