"""Interrupting the rlhf4j kernel through a real Jupyter client (issue 19): a reward-model
training cell, a PPO cell and a sampling cell return the kernel to idle within 2 s of the interrupt,
the kernel stays usable, and the models' NDManager counts are back where they were; a busy loop of
the user's own stops on Java 17-19 and, on Java 20+, says in the cell that it did not stop.

The kernel's Java is whatever its kernelspec names (RLHF4J_KERNEL_NAME): JupyterKernelTest runs this
file on the build's Java and again on Java 25 when one is installed. Each test prints its latency:
"interrupt latency (Java N, what): S s".
"""
import time
import unittest
from queue import Empty

from kernel_harness import KernelSession

IDLE_WITHIN = 2.0
TINY = 'Home.resolve("datasets/pretrained/tiny")'


class KernelInterruptTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.kernel = KernelSession()
        cell = cls.kernel.execute("Runtime.version().feature()")
        cls.java = int(cell.result())

    @classmethod
    def tearDownClass(cls):
        cls.kernel.close()

    def ok(self, code, timeout=120):
        cell = self.kernel.execute(code, timeout=timeout)
        self.assertEqual(cell.status, "ok", cell.error())
        return cell

    def interrupt_when_printed(self, code, marker, what):
        """Starts `code`, interrupts once its stdout shows `marker`; returns (cell, seconds to idle)."""
        msg_id = self.kernel.start(code)
        printed = ""
        deadline = time.monotonic() + 120
        outputs = []
        while marker not in printed:
            self.assertLess(time.monotonic(), deadline, f"no '{marker}' in the output: {printed!r} {outputs}")
            try:
                msg = self.kernel.kc.get_iopub_msg(timeout=0.05)
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            outputs.append(msg)
            if msg["msg_type"] == "stream":
                printed += msg["content"]["text"]
            self.assertFalse(msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle",
                             f"the cell ended before the interrupt: {outputs}")
        asked = time.monotonic()
        self.kernel.km.interrupt_kernel()
        cell = self.kernel.wait(msg_id, timeout=60)
        seconds = time.monotonic() - asked
        print(f"interrupt latency (Java {self.java}, {what}): {seconds:.2f} s", flush=True)
        return cell, seconds

    def assertStoppedQuickly(self, cell, seconds, expected_text):
        self.assertEqual(cell.status, "error", cell)
        self.assertEqual(cell.error()["ename"], "Interrupted", cell.error())
        self.assertIn(expected_text, cell.error()["evalue"])
        self.assertLess(seconds, IDLE_WITHIN, f"idle {seconds:.2f} s after the interrupt")

    def test_reward_model_training_cell(self):
        self.ok(
            f"RewardModel rmI = RewardModel.fromPretrained(Checkpoint.load({TINY}, Devices.resolve(\"cpu\")), 1);\n"
            'List<FeedbackRecord> recI = FeedbackLog.readStrict(Home.resolve("datasets/feedback/feedback.jsonl")).subList(0, 120);\n'
            "Map<String, double[]> zeroI = new HashMap<>();\n"
            "for (FeedbackRecord r : recI) { zeroI.put(r.task(), new double[r.k()]); }\n"
            "RewardData.Split splitI = RewardData.split(recI, rmI, zeroI, 0.25, 1);\n"
            "int rmBefore = rmI.resourceCount();")
        cell, seconds = self.interrupt_when_printed(
            "RewardTrainer.train(rmI, splitI, RewardConfig.defaults(RewardConfig.Objective.BT).toBuilder().epochs(10000)"
            '.batchSize(4).build(), null, null, (e, n) -> System.out.println("epoch " + e.epoch()));',
            "epoch 1\n", "reward-model training")
        self.assertStoppedQuickly(cell, seconds, "interrupted in epoch ")
        self.assertEqual(self.ok("rmI.resourceCount() == rmBefore").result(), "true")
        self.ok("rmI.close();")

    def test_ppo_cell(self):
        self.ok(
            "var ppoCfg = PpoConfig.defaults().toBuilder().batchSize(4).miniBatchSize(2).device(\"cpu\")\n"
            "    .sampling(SamplingConfig.defaults().withMaxNewTokens(8)).build();\n"
            f"PolicyModel polI = PolicyModel.of(Checkpoint.load({TINY}, Devices.resolve(\"cpu\")), 1);\n"
            f"LanguageModel refI = Checkpoint.load({TINY}, Devices.resolve(\"cpu\"));\n"
            f"RewardModel prmI = RewardModel.fromPretrained(Checkpoint.load({TINY}, Devices.resolve(\"cpu\")), 1);\n"
            'List<Prompt> promptsI = ReviewWorld.readPrompts(Home.resolve("datasets/reviews/prompts.csv"));\n'
            "PpoTrainer ppoI = new PpoTrainer(polI, refI, prmI, promptsI, ppoCfg);\n"
            "ppoI.step();\n"
            "List<Integer> ppoBefore = List.of(polI.resourceCount(), refI.resourceCount(), prmI.resourceCount());")
        cell, seconds = self.interrupt_when_printed(
            'ppoI.addListener((it, m, r) -> System.out.println("iteration " + it));\n'
            "for (int i = 0; i < 100000; i++) { ppoI.step(); }",
            "iteration 3\n", "PPO")
        self.assertStoppedQuickly(cell, seconds, "interrupted ")
        self.assertEqual(self.ok(
            "List.of(polI.resourceCount(), refI.resourceCount(), prmI.resourceCount()).equals(ppoBefore)").result(), "true")
        self.ok("polI.close(); refI.close(); prmI.close();")

    def test_sampling_cell(self):
        self.ok(
            f"LanguageModel lmI = Checkpoint.load({TINY}, Devices.resolve(\"cpu\"));\n"
            'List<int[]> qI = List.of(lmI.encodePrompt("the pasta was"), lmI.encodePrompt("our server"));\n'
            "Sampler.generate(lmI, qI, SamplingConfig.defaults(), new Random(1));\n"
            "int lmBefore = lmI.resourceCount();")
        cell, seconds = self.interrupt_when_printed(
            "for (int i = 0; i < 1000000; i++) {\n"
            '    if (i == 1) { System.out.println("sampling"); }\n'
            "    Sampler.generate(lmI, qI, SamplingConfig.defaults(), new Random(i));\n"
            "}",
            "sampling\n", "sampling")
        self.assertStoppedQuickly(cell, seconds, "while sampling")
        self.assertEqual(self.ok("lmI.resourceCount() == lmBefore").result(), "true")
        self.assertEqual(self.ok('Sampler.generate(lmI, qI, SamplingConfig.defaults(), new Random(2)).texts(lmI.tokenizer()).size()')
                         .result(), "2", "the kernel samples again after the interrupt")
        self.ok("lmI.close();")

    def test_zz_busy_loop_of_the_users_own(self):
        """Runs last: on Java 20+ it ends by restarting the kernel."""
        msg_id = self.kernel.start('System.out.println("spinning");\nlong spinsI = 0;\nwhile (true) { spinsI++; }')
        self.kernel.wait_until_busy(msg_id)
        time.sleep(0.5)
        asked = time.monotonic()
        self.kernel.km.interrupt_kernel()
        if self.java < 20:
            cell = self.kernel.wait(msg_id, timeout=30)
            print(f"interrupt latency (Java {self.java}, busy loop, Thread.stop): {time.monotonic() - asked:.2f} s")
            self.assertEqual(cell.error()["ename"], "Interrupted")
            self.assertEqual(self.ok("spinsI > 0").result(), "true")
            return
        said = ""
        deadline = time.monotonic() + 10
        while "did not stop" not in said:
            self.assertLess(time.monotonic(), deadline, f"no word from the busy cell: {said!r}")
            try:
                msg = self.kernel.kc.get_iopub_msg(timeout=0.05)
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                said += msg["content"]["text"]
        print(f"busy loop on Java {self.java}: told in the cell {time.monotonic() - asked:.2f} s after the interrupt")
        self.assertIn("Restart the kernel", said)
        self.assertIn(f"Java {self.java} cannot stop", said)
        self.kernel.km.restart_kernel(now=True)
        self.kernel.kc.wait_for_ready(timeout=120)
        self.assertEqual(self.ok("6 * 7").result(), "42")


if __name__ == "__main__":
    unittest.main()
