"""`rlhf4j kernel install --prefix P`, run through the rlhf4j launcher script as the README says,
installs a kernel that Jupyter can start after the launcher has exited (the launcher runs from a
private copy of the jar and deletes it on exit), with the library and its dependencies.

RLHF4J_LAUNCHER names the launcher to run; by default the repository's ./rlhf4j, which builds first
when the build is missing or stale. The JUnit test JupyterKernelTest points it at the repository's
script in a folder laid out as `mvn package` lays out target/ (see there).
"""
import json
import os
import subprocess
import tempfile
import unittest

from jupyter_client.kernelspec import KernelSpecManager

from kernel_harness import KernelSession

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


class LauncherInstallTest(unittest.TestCase):

    def test_kernel_installed_by_the_launcher_starts_after_it_exits(self):
        launcher = os.path.abspath(os.environ.get("RLHF4J_LAUNCHER", os.path.join(REPO, "rlhf4j")))
        home = os.path.dirname(launcher)
        saved = dict(os.environ)
        with tempfile.TemporaryDirectory() as prefix:
            try:
                done = subprocess.run([launcher, "kernel", "install", "--prefix", prefix],
                                      capture_output=True, text=True, timeout=900)
                print(done.stdout + done.stderr)
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                launch = os.path.join(home, "target", "launch")
                self.assertEqual(os.listdir(launch) if os.path.isdir(launch) else [], [],
                                 "the launcher removes its private copy of the jar when it exits")

                data = os.path.join(prefix, "share", "jupyter")
                os.environ["JUPYTER_PATH"] = data  # find the kernel only where the launcher put it
                spec_dir = os.path.join(data, "kernels", "rlhf4j")
                self.assertEqual(KernelSpecManager().get_kernel_spec("rlhf4j").resource_dir, spec_dir)
                with open(os.path.join(spec_dir, "kernel.json")) as f:
                    argv = json.load(f)["argv"]
                classpath = argv[argv.index("-cp") + 1].split(os.pathsep)
                target = os.path.realpath(os.path.join(home, "target"))
                self.assertEqual([os.path.realpath(os.path.dirname(e)) + "/" + os.path.basename(e) for e in classpath],
                                 [target + "/rlhf4j.jar", target + "/lib/*"],
                                 "the kernel runs the build itself and its libraries")

                with KernelSession("rlhf4j") as kernel:
                    cell = kernel.execute("1 + 1", timeout=120)
                    self.assertEqual((cell.status, cell.result()), ("ok", "2"), cell)
                    # the library (the jar) and Tablesaw (target/lib): A beats B at K = 32 → 1016
                    cell = kernel.execute('List<Match> games = List.of(new Match("A", "B", 1));\n'
                                          'Leaderboard.of("Elo", EloRating.defaults().rate(games).ratings(), null, games)'
                                          '.table().doubleColumn("rating").get(0)', timeout=120)
                    self.assertEqual((cell.status, cell.result()), ("ok", "1016.0"), cell)
            finally:
                os.environ.clear()
                os.environ.update(saved)


if __name__ == "__main__":
    unittest.main()
