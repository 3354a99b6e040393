"""The rlhf4j kernel through a real Jupyter client (jupyter_client): rendering, stdin, errors,
interrupts and state, as a notebook user meets them."""
import base64
import time
import unittest

from kernel_harness import KernelSession

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class KernelClientTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.kernel = KernelSession()

    @classmethod
    def tearDownClass(cls):
        cls.kernel.close()

    def run_cell(self, code, **kwargs):
        cell = self.kernel.execute(code, **kwargs)
        return cell

    def assertOk(self, cell):
        self.assertEqual(cell.status, "ok", cell.error())

    def test_xchart_chart_is_a_png(self):
        cell = self.run_cell(
            'XYChart chart = QuickChart.getChart("Reward", "step", "reward", "mean",\n'
            '    new double[]{0, 1, 2, 3}, new double[]{0.1, 0.4, 0.35, 0.8});\n'
            "chart")
        self.assertOk(cell)
        png = cell.result("image/png")
        self.assertIsNotNone(png, cell.outputs)
        self.assertTrue(base64.b64decode(png).startswith(PNG_SIGNATURE))
        self.assertIn("XYChart", cell.result("text/plain"))

    def test_displayed_chart_is_a_png_and_display_id_is_not_echoed(self):
        cell = self.run_cell(
            'var bars = new CategoryChartBuilder().width(300).height(200).title("wins").build();\n'
            'bars.addSeries("model", List.of("a", "b"), List.of(3, 5));\n'
            "display(bars);")
        self.assertOk(cell)
        shown = cell.of_type("display_data")
        self.assertEqual(len(shown), 1, cell.outputs)
        self.assertTrue(base64.b64decode(shown[0]["data"]["image/png"]).startswith(PNG_SIGNATURE))
        self.assertEqual(cell.of_type("execute_result"), [])

    def test_buffered_image_is_a_png(self):
        cell = self.run_cell("new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB)")
        self.assertOk(cell)
        self.assertTrue(base64.b64decode(cell.result("image/png")).startswith(PNG_SIGNATURE))

    def test_tablesaw_table_is_html(self):
        cell = self.run_cell(
            'Table scores = Table.create("scores",\n'
            '    StringColumn.create("model", "base", "tuned"),\n'
            "    DoubleColumn.create(\"elo\", 1000.0, 1042.5));\n"
            "scores")
        self.assertOk(cell)
        html = cell.result("text/html")
        self.assertIsNotNone(html, cell.outputs)
        self.assertIn("<table", html)
        self.assertIn("<th title=\"DOUBLE\">elo</th>", html)
        self.assertIn("1042.5", html)
        self.assertIn("tuned", cell.result("text/plain"))

    def test_records_show_as_tables(self):
        cell = self.run_cell(
            "record Ranking(String prompt, int best, double margin) {}\n"
            'List.of(new Ranking("the pasta was", 2, 0.5), new Ranking("our server", 1, 1.25))')
        self.assertOk(cell)
        html = cell.result("text/html")
        self.assertIsNotNone(html, cell.outputs)
        self.assertIn("<caption>Ranking</caption>", html)
        self.assertIn("<td>our server</td>", html)

    def test_stdin_line_reaches_the_cell(self):
        cell = self.run_cell(
            "Scanner scanner = new Scanner(System.in);\n"
            'System.out.print("Which is better, 1 or 2? ");\n'
            "String answer = scanner.nextLine();\n"
            '"you said " + answer', answers=["2"])
        self.assertOk(cell)
        self.assertEqual(cell.result(), "you said 2")
        self.assertEqual(cell.stdout(), "Which is better, 1 or 2? ")

    def test_console_rater_ranks_through_stdin(self):
        cell = self.run_cell(
            'Path log = Files.createTempDirectory("rank").resolve("feedback.jsonl");\n'
            'var tasks = List.of(\n'
            '    new RankingTask("t1", new Prompt("p1", "the pasta was", Aspect.FOOD, false), List.of("cold", "rich", "fine"), "small"),\n'
            '    new RankingTask("t2", new Prompt("p2", "the soup was", Aspect.FOOD, false), List.of("salty", "hot"), "small"),\n'
            '    new RankingTask("t3", new Prompt("p3", "dessert was", Aspect.FOOD, false), List.of("sweet", "small"), "small"));\n'
            'var summary = RankingSession.run(tasks, ConsoleRater.stdio("ana"), log, false);\n'
            'summary + " / " + FeedbackLog.readStrict(log).get(0).ranking()',
            answers=["?", "2 1=3", "s", "q"])
        self.assertOk(cell)
        self.assertEqual(len(cell.prompts), 4)
        self.assertEqual(cell.result(), "ranked 1, skipped 1, already ranked 0, quit early / 2 1=3")
        self.assertIn("  1  the pasta was \u2026 cold\n", cell.stdout())
        self.assertIn("Type the numbers of all 3 completions", cell.stdout())

    def test_console_rater_quits_where_the_client_takes_no_input(self):
        cell = self.run_cell(
            'var headless = RankingSession.run(List.of(new RankingTask("t1",\n'
            '    new Prompt("p1", "we waited", Aspect.WAIT, false), List.of("an hour", "not long"), "small")),\n'
            '    ConsoleRater.stdio("nb"), Files.createTempDirectory("rank").resolve("f.jsonl"), false);\n'
            'headless.toString()')
        self.assertOk(cell)
        self.assertIn("ranked 0, skipped 0, already ranked 0, quit early", cell.result())
        self.assertIn("(end of input: quitting)", cell.stdout())

    def test_input_shows_its_prompt(self):
        cell = self.run_cell('String rank = input("Rank (best first): ");\nrank', answers=["3 1 2"])
        self.assertOk(cell)
        self.assertEqual(cell.prompts, ["Rank (best first): "])
        self.assertEqual(cell.result(), "3 1 2")

    def test_without_stdin_reading_fails_clearly(self):
        cell = self.run_cell('input("name? ")')
        self.assertEqual(cell.status, "error")
        self.assertIn("does not take input", cell.error()["evalue"])

    def test_hundred_failing_cells_leave_the_kernel_answering(self):
        for i in range(100):
            cell = self.run_cell(f'throw new IllegalStateException("boom {i}");', timeout=30)
            self.assertEqual(cell.status, "error")
            self.assertEqual(cell.error()["ename"], "IllegalStateException")
            self.assertEqual(cell.error()["evalue"], f"boom {i}")
        cell = self.run_cell("6 * 7")
        self.assertOk(cell)
        self.assertEqual(cell.result(), "42")

    def test_interrupted_sleep_returns_within_seconds(self):
        msg_id = self.kernel.start("Thread.sleep(120000);")
        self.kernel.wait_until_busy(msg_id)
        time.sleep(0.5)
        asked = time.monotonic()
        self.kernel.km.interrupt_kernel()
        cell = self.kernel.wait(msg_id, timeout=30)
        self.assertLess(time.monotonic() - asked, 5)
        self.assertEqual(cell.status, "error")
        self.assertEqual(cell.error()["ename"], "Interrupted")
        after = self.run_cell('"still here"')
        self.assertOk(after)
        self.assertEqual(after.result(), "still here")

    def test_interrupted_busy_loop_stops(self):
        java = int(self.run_cell("Runtime.version().feature()").result())
        if java >= 20:
            self.skipTest(f"Java {java} cannot stop a thread (test_kernel_interrupt covers what the kernel says instead)")
        msg_id = self.kernel.start("long spins = 0;\nwhile (true) { spins++; }")
        self.kernel.wait_until_busy(msg_id)
        time.sleep(0.5)
        asked = time.monotonic()
        self.kernel.km.interrupt_kernel()
        cell = self.kernel.wait(msg_id, timeout=30)
        self.assertLess(time.monotonic() - asked, 8)
        self.assertEqual(cell.error()["ename"], "Interrupted")
        after = self.run_cell("spins > 0")
        self.assertOk(after)
        self.assertEqual(after.result(), "true")

    def test_interrupt_while_waiting_for_input(self):
        msg_id = self.kernel.start('String first = input("first: ");', answers=[])
        request = self.kernel.kc.get_stdin_msg(timeout=30)
        self.assertEqual(request["content"]["prompt"], "first: ")
        self.kernel.km.interrupt_kernel()
        cell = self.kernel.wait(msg_id, timeout=30)
        self.assertEqual(cell.error()["ename"], "Interrupted")
        after = self.run_cell('input("second: ")', answers=["yes"])
        self.assertOk(after)
        self.assertEqual(after.result(), "yes")

    def test_variables_survive_later_imports(self):
        self.assertOk(self.run_cell('int kept = 41;\nString word = "abc";\nList<Integer> items = new ArrayList<>(List.of(1, 2));'))
        self.assertOk(self.run_cell("// more imports\nimport java.util.concurrent.*;"))
        self.assertOk(self.run_cell("\n\nimport java.time.*;\nimport java.util.concurrent.atomic.AtomicInteger;"))
        cell = self.run_cell("kept + 1 + word.length() + items.size()")
        self.assertOk(cell)
        self.assertEqual(cell.result(), "47")

    def test_output_without_newline_is_flushed_at_the_end(self):
        cell = self.run_cell('System.out.print("no newline"); System.err.print("warn")')
        self.assertOk(cell)
        self.assertEqual(cell.stdout(), "no newline")
        self.assertEqual(cell.stderr(), "warn")

    def test_compile_error_points_at_the_code(self):
        cell = self.run_cell("int a = 1;\nint b = a + missing;")
        self.assertEqual(cell.status, "error")
        error = cell.error()
        self.assertEqual(error["ename"], "CompileError")
        text = "\n".join(error["traceback"])
        self.assertIn("line 2", text)
        self.assertIn("int b = a + missing;", text)
        self.assertIn("^^^^^^^", text)

    def test_runtime_error_shows_user_frames_not_jshell(self):
        self.assertOk(self.run_cell("double ratio(int a, int b) {\n    return a / b;\n}"))
        cell = self.run_cell("int zero = 0;\nratio(1, zero)")
        error = cell.error()
        self.assertEqual(error["ename"], "ArithmeticException")
        text = "\n".join(error["traceback"])
        self.assertIn("ratio (cell [", text)
        self.assertIn("line 2", text)
        for internal in ("jdk.jshell", "REPL.", "dev.rlhf4j.kernel", "java.util.concurrent"):
            self.assertNotIn(internal, text)

    def test_library_is_preloaded(self):
        cell = self.run_cell('RunSize.label() + " " + Home.resolve("datasets").getFileName()')
        self.assertOk(cell)
        self.assertTrue(cell.result().endswith(" datasets"), cell.result())
        cell = self.run_cell('System.getProperty("java.awt.headless")')
        self.assertEqual(cell.result(), "true")

    def test_bundled_model_generates_in_a_cell(self):
        cell = self.run_cell(
            'LanguageModel lm = Checkpoint.load(Home.resolve("datasets/pretrained/small"), Devices.resolve("cpu"));\n'
            'Generation g = Sampler.generate(lm, List.of(lm.encodePrompt("the pasta was")),\n'
            "    new SamplingConfig(1.0f, 0, 1.0f, 12, true), new Random(1));\n"
            "g.texts(lm.tokenizer()).get(0)", timeout=120)
        self.assertOk(cell)
        self.assertTrue(cell.result().startswith("the pasta was"), cell.result())
        self.assertOk(self.run_cell("lm.close();"))

    def test_magics(self):
        cell = self.run_cell("%classpath")
        self.assertOk(cell)
        self.assertIn("xchart", cell.stdout())
        cell = self.run_cell("%jars no/such/*.jar")
        self.assertEqual(cell.error()["ename"], "MagicError")
        self.assertIn("no jar matches no/such/*.jar", cell.error()["evalue"])

    def test_trailing_printf_shows_no_stream_object(self):
        cell = self.run_cell('System.out.printf("x = %d%n", 3)')
        self.assertOk(cell)
        self.assertEqual(cell.stdout(), "x = 3\n")
        self.assertEqual(cell.of_type("execute_result"), [])

    def test_update_display(self):
        cell = self.run_cell('String id = display("epoch 0");\nfor (int i = 1; i <= 3; i++) updateDisplay(id, "epoch " + i);')
        self.assertOk(cell)
        updates = cell.of_type("update_display_data")
        self.assertEqual([u["data"]["text/plain"] for u in updates], ["epoch 1", "epoch 2", "epoch 3"])
        self.assertEqual(updates[0]["transient"]["display_id"], cell.of_type("display_data")[0]["transient"]["display_id"])

    def test_live_charts_redraw_in_place(self):
        code = ("var live = LiveCharts.<Map<String, Double>>of(PpoReport::rewardChart, PpoReport::lossChart).every(0)\n"
                "    .withStatus(rows -> \"iteration \" + rows.size());\n"
                "for (int i = 0; i < 3; i++) live.add(Map.of(\"env/reward_mean\", 0.1 * i, \"env/reward_std\", 1.0,\n"
                "    \"env/true_reward_mean\", 0.2 * i, \"ppo/loss/policy\", -0.01 * i, \"ppo/loss/value\", 0.5 / (i + 1)));\n"
                "live.finish();\n"
                "live.draws()")
        cell = self.run_cell(code)
        self.assertOk(cell)
        self.assertEqual(cell.result(), "3")
        shown = cell.of_type("display_data")
        self.assertEqual([("image/png" in d["data"]) for d in shown], [False, True, True])  # status, 2 charts
        updates = cell.of_type("update_display_data")
        self.assertEqual(len(updates), 3 * 2)  # rows 2 and 3 redraw the status and both charts
        statuses = [u["data"]["text/plain"] for u in updates if "image/png" not in u["data"]]
        self.assertEqual(statuses, ["iteration 2", "iteration 3"])
        ids = {d["transient"]["display_id"] for d in shown}
        self.assertEqual({u["transient"]["display_id"] for u in updates}, ids)
        self.assertEqual(sum("image/png" in u["data"] for u in updates), 4)

if __name__ == "__main__":
    unittest.main()
