"""The Jupyter community's kernel test suite (jupyter_kernel_test) against the rlhf4j kernel."""
import unittest

import jupyter_kernel_test

from kernel_harness import KERNEL_NAME


class Rlhf4jKernelSuite(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "System.out.printl", "matches": {"println("}},
        {"text": "int total = 3;\nMath.ab", "matches": {"abs(", "absExact("}},
        {"text": "%ja", "matches": {"jars"}},
    ]
    complete_code_samples = ["1 + 2", "int x = 1;", 'System.out.println("x");', "%jars lib/*.jar"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "System.out.println(", "int f() {"]
    invalid_code_samples = [")", "int x = ;"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "int y = 20;\ny * 2", "result": "40"},
        {"code": '"abc".toUpperCase()', "result": "ABC"},
    ]
    code_display_data = [
        {"code": 'display("<b>bold</b>", "text/html");', "mime": "text/html"},
        {"code": "display(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));", "mime": "image/png"},
    ]

    code_inspect_sample = "Math.abs"
    code_clear_output = "clearOutput(false);"


if __name__ == "__main__":
    unittest.main()
