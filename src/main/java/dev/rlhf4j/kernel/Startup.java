package dev.rlhf4j.kernel;

import java.util.List;

/**
 * What every notebook starts with: the imports in {@code startup.jsh} (this package's resource):
 * the library's packages, the notebook API, Tablesaw, XChart, DJL's NDArray and common JDK packages.
 */
final class Startup {

    private Startup() {}

    /** The import lines of {@code startup.jsh}, without comments and blank lines. */
    static List<String> imports() {
        return Kernel.resource("startup.jsh").lines()
                .map(String::strip)
                .filter(line -> line.startsWith("import "))
                .toList();
    }
}
