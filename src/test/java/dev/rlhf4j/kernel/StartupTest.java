package dev.rlhf4j.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The start-up imports: every library package there is, and no simple name left ambiguous. */
class StartupTest {

    static final Path CLASSES = Path.of("target/classes");

    @Test
    void importsTheLibraryAndToleratesPackagesNotWrittenYet() throws Exception {
        List<String> imports = Startup.imports();
        assertTrue(imports.contains("import dev.rlhf4j.core.*;"), imports.toString());
        assertTrue(imports.contains("import tech.tablesaw.api.*;") && imports.contains("import org.knowm.xchart.*;"));
        try (JavaShell shell = new JavaShell()) {
            for (String failed : shell.importAll(imports)) {
                String pkg = failed.substring("import ".length(), failed.length() - ".*;".length());
                assertFalse(Files.isDirectory(CLASSES.resolve(pkg.replace('.', '/'))), "import of an existing package failed: " + failed);
            }
            List<String> names = new ArrayList<>(List.of("List", "Map", "ArrayList", "Stream", "Collectors", "Function", "Path",
                    "Files", "File", "Table", "Row", "DoubleColumn", "StringColumn", "XYChart", "QuickChart", "CategoryChartBuilder",
                    "Styler", "NDArray", "NDManager", "NDList", "Shape", "DataType", "BufferedImage", "Renderers"));
            names.addAll(libraryClasses(imports));
            for (String name : names) {
                Object value = shell.eval(name + ".class.getName()", 1);
                assertTrue(((String) value).endsWith(name), name + " resolved to " + value);
            }
        }
    }

    /** Public top-level classes of the imported dev.rlhf4j packages that exist in this build. */
    static List<String> libraryClasses(List<String> imports) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : imports) {
            if (!line.startsWith("import dev.rlhf4j.") || !line.endsWith(".*;")) {
                continue;
            }
            String pkg = line.substring("import ".length(), line.length() - ".*;".length());
            Path dir = CLASSES.resolve(pkg.replace('.', '/'));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String file = f.getFileName().toString();
                    if (file.endsWith(".class") && !file.contains("$") && !file.equals("package-info.class")) {
                        String simple = file.substring(0, file.length() - ".class".length());
                        try {
                            if (Modifier.isPublic(Class.forName(pkg + "." + simple, false, StartupTest.class.getClassLoader()).getModifiers())) {
                                names.add(simple);
                            }
                        } catch (ClassNotFoundException | LinkageError e) {
                            // not loadable here: not a name a notebook uses
                        }
                    }
                }
            }
        }
        return names;
    }
}
