"""Helpers for the rlhf4j kernel tests: start the kernel, run a cell, collect what it published.

The kernel is found by name (RLHF4J_KERNEL_NAME, default "rlhf4j") on Jupyter's usual path; the
JUnit test JupyterKernelTest installs it into a temporary prefix and sets JUPYTER_PATH. By hand:

    PREFIX="$(mktemp -d)"
    ./rlhf4j kernel install --prefix "$PREFIX"
    JUPYTER_PATH="$PREFIX/share/jupyter" python3 -m unittest discover -s src/test/python -v
"""
import os
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

KERNEL_NAME = os.environ.get("RLHF4J_KERNEL_NAME", "rlhf4j")


class Cell:
    """What one execute_request produced: the shell reply and the iopub outputs, in order."""

    def __init__(self, reply, outputs, prompts, seconds):
        self.reply = reply
        self.outputs = outputs
        self.prompts = prompts
        self.seconds = seconds

    @property
    def status(self):
        return self.reply["content"]["status"]

    def of_type(self, msg_type):
        return [m["content"] for m in self.outputs if m["msg_type"] == msg_type]

    def stdout(self):
        return "".join(c["text"] for c in self.of_type("stream") if c["name"] == "stdout")

    def stderr(self):
        return "".join(c["text"] for c in self.of_type("stream") if c["name"] == "stderr")

    def result(self, mime="text/plain"):
        results = self.of_type("execute_result")
        return results[-1]["data"].get(mime) if results else None

    def error(self):
        errors = self.of_type("error")
        return errors[-1] if errors else None

    def __repr__(self):
        return f"Cell(status={self.status}, outputs={[m['msg_type'] for m in self.outputs]}, error={self.error()})"


class KernelSession:
    """One running kernel; use as a context manager so it is always shut down."""

    def __init__(self, kernel_name=KERNEL_NAME):
        self.km, self.kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=120)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)

    def start(self, code, answers=None):
        """Sends a cell without waiting; returns its msg_id."""
        return self.kc.execute(code, allow_stdin=answers is not None, stop_on_error=False)

    def execute(self, code, timeout=60, answers=None):
        """Runs a cell; `answers` are typed into input requests, in order."""
        return self.wait(self.start(code, answers), timeout, answers)

    def wait(self, msg_id, timeout=60, answers=None):
        answers = list(answers or [])
        started = time.monotonic()
        deadline = started + timeout
        outputs, prompts, idle = [], [], False
        while not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"cell did not finish within {timeout}s; outputs so far: {outputs}")
            if answers:
                try:
                    request = self.kc.get_stdin_msg(timeout=0.02)
                    prompts.append(request["content"]["prompt"])
                    self.kc.input(answers.pop(0))
                except Empty:
                    pass
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05)
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                idle = msg["content"]["execution_state"] == "idle"
            elif msg["msg_type"] != "execute_input":
                outputs.append(msg)
        reply = self.shell_reply(msg_id, max(1, deadline - time.monotonic()))
        return Cell(reply, outputs, prompts, time.monotonic() - started)

    def shell_reply(self, msg_id, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        raise TimeoutError("no execute_reply")

    def wait_until_busy(self, msg_id, timeout=30):
        """Returns once the kernel has started running msg_id (so an interrupt hits the cell)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05)
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                return
        raise TimeoutError("the cell never started")
