"""binder/postBuild, run as Binder runs it, installs a kernel that executes a notebook cell.

The JUnit test sets RLHF4J_REPO (the repository), RLHF4J_NO_BUILD=1 and RLHF4J_CLASSPATH (the
test classpath), because during `mvn test` there is no jar yet to build the kernel from.
"""
import json
import os
import subprocess
import tempfile
import unittest

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient


class BinderPostBuildTest(unittest.TestCase):

    def test_post_build_installs_a_kernel_that_runs_a_cell(self):
        repo = os.environ.get("RLHF4J_REPO", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
        saved = dict(os.environ)
        with tempfile.TemporaryDirectory() as data:
            try:
                os.environ.pop("JUPYTER_PATH", None)  # find the kernel only where postBuild put it
                os.environ["JUPYTER_DATA_DIR"] = data
                done = subprocess.run(["bash", os.path.join(repo, "binder", "postBuild")], cwd=repo,
                                      capture_output=True, text=True, timeout=900)
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

                spec_dir = os.path.join(data, "kernels", "rlhf4j")
                with open(os.path.join(spec_dir, "kernel.json")) as f:
                    spec = json.load(f)
                self.assertEqual(spec["interrupt_mode"], "message")
                self.assertEqual(spec["language"], "java")
                self.assertIn("dev.rlhf4j.kernel.Kernel", spec["argv"])
                self.assertEqual(KernelSpecManager().get_kernel_spec("rlhf4j").resource_dir, spec_dir)

                nb = nbformat.v4.new_notebook()
                nb.cells.append(nbformat.v4.new_code_cell('String greeting = "hello from " + RunSize.label() + " mode";\ngreeting'))
                NotebookClient(nb, kernel_name="rlhf4j", timeout=120, startup_timeout=120).execute()
                outputs = nb.cells[0].outputs
                self.assertEqual(len(outputs), 1, outputs)
                self.assertEqual(outputs[0]["output_type"], "execute_result")
                self.assertTrue(outputs[0]["data"]["text/plain"].startswith("hello from "), outputs)
            finally:
                os.environ.clear()
                os.environ.update(saved)

    def test_start_turns_quick_mode_on_unless_the_launch_chose(self):
        repo = os.environ.get("RLHF4J_REPO", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
        start = os.path.join(repo, "binder", "start")
        env = {k: v for k, v in os.environ.items() if k != "RLHF4J_QUICK"}
        done = subprocess.run([start, "printenv", "RLHF4J_QUICK"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), "1")
        env["RLHF4J_QUICK"] = "0"
        done = subprocess.run([start, "printenv", "RLHF4J_QUICK"], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.stdout.strip(), "0", "a launch that sets RLHF4J_QUICK keeps its choice")


if __name__ == "__main__":
    unittest.main()
